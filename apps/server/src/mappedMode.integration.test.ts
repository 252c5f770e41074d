// The fallback for machines where 127/8 does not route to loopback or port 80 cannot be bound
// (macOS, no root): everything listens on 127.0.0.1 at mapped ports, and the mapping is published.
// Forced here with `--addresses mapped`; random test ranges (testRanges.ts).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '@l4lab/protocol';
import { getPod, startTestLab, waitFor, type TestLab } from './testLab.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let t: TestLab;

beforeAll(async () => {
  t = await startTestLab({ addresses: 'mapped' });
});
afterAll(async () => {
  await t?.stop();
});

describe('mapped addresses', () => {
  it('serves seed 01 and seed 02 through 127.0.0.1 ports, and publishes the mappings', async () => {
    expect(t.lab.info.addressMode).toBe('mapped');
    await t.apply(await readFile(join(ROOT, 'scenarios/01-clusterip.yaml'), 'utf8'));
    await t.apply(await readFile(join(ROOT, 'scenarios/02-nodeport.yaml'), 'utf8'));
    await waitFor('4 ready pods', async () =>
      (await t.readyPods('my-nginx-')).length === 4 ? true : undefined,
    );
    const svc = (await t.api<Service>('GET', '/api/objects/services/default/my-nginx')).body;
    const target = t.target(svc.spec.clusterIP!, 80);
    expect(target.host).toBe('127.0.0.1');
    expect(target.port).not.toBe(80);
    const pod = await waitFor(
      'an answer',
      async () => (await getPod(target.host, target.port).catch(() => '')) || undefined,
    );
    expect(pod).toMatch(/^my-nginx-/);
    const nodePort = t.target(t.config.nodeIP, 30380);
    expect(nodePort.host).toBe('127.0.0.1');
    const np = await waitFor(
      'a NodePort answer',
      async () => (await getPod(nodePort.host, nodePort.port).catch(() => '')) || undefined,
    );
    expect(np).toMatch(/^my-nginx-nodeport-/);
    const { body } = await t.api<{
      items: { ip: string; port: number; hostIP?: string; hostPort?: number }[];
    }>('GET', '/api/frontends');
    expect(body.items).toContainEqual(
      expect.objectContaining({
        ip: svc.spec.clusterIP,
        port: 80,
        hostIP: '127.0.0.1',
        hostPort: target.port,
      }),
    );
  });
});
