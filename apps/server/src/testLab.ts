// Test helpers for labs started in-process (integration tests only).
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '@l4lab/protocol';
import { waitFor as pollUntil } from '@l4lab/cluster/testing';
import type { LabConfig } from './config.ts';
import { startLab, type Lab } from './lab.ts';
import { createLogger } from './logger.ts';
import { testLabConfig } from './testRanges.ts';

export interface TestLab {
  lab: Lab;
  config: LabConfig;
  api<T>(
    method: string,
    path: string,
    body?: string,
    type?: string,
  ): Promise<{ status: number; body: T }>;
  apply(yaml: string): Promise<void>;
  /** Pods whose name starts with `prefix`, Ready and not terminating. */
  readyPods(prefix: string, namespace?: string): Promise<Pod[]>;
  /** Where a virtual address really listens (itself in native mode). */
  target(ip: string, port: number): { host: string; port: number };
  stop(): Promise<void>;
}

export async function startTestLab(over: Partial<LabConfig> = {}): Promise<TestLab> {
  const workspace = await mkdtemp(join(tmpdir(), 'l4lab-it-'));
  const config = testLabConfig(workspace, over);
  const lab = await startLab(config, createLogger('silent'));
  const api = async <T>(method: string, path: string, body?: string, type = 'application/yaml') => {
    const res = await fetch(`${lab.url}${path}`, {
      method,
      ...(body !== undefined ? { body, headers: { 'Content-Type': type } } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  return {
    lab,
    config,
    api,
    async apply(yaml) {
      const r = await api<unknown>('POST', '/api/apply', yaml);
      if (r.status !== 200)
        throw new Error(`apply failed (${r.status}): ${JSON.stringify(r.body)}`);
    },
    async readyPods(prefix, namespace = 'default') {
      const { body } = await api<{ items: Pod[] }>(
        'GET',
        `/api/objects/pods?namespace=${namespace}`,
      );
      return body.items.filter(
        (p) =>
          p.metadata.name.startsWith(prefix) &&
          !p.metadata.deletionTimestamp &&
          p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
    },
    target: (ip, port) => lab.resolveHost(ip, port),
    async stop() {
      await lab.stop();
      await rm(workspace, { recursive: true, force: true });
    },
  };
}

/** Polls until a value comes (100 ms steps, 15 s at most). */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  return pollUntil(what, fn, ms, 100);
}

/** One HTTP GET on a new connection; resolves with the X-Pod-Name that answered. */
export function getPod(
  host: string,
  port: number,
  localAddress?: string,
  timeoutMs = 5000,
): Promise<string> {
  return new Promise((resolvePod, reject) => {
    const req = request(
      {
        host,
        port,
        path: '/',
        agent: false,
        timeout: timeoutMs,
        ...(localAddress ? { localAddress } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolvePod(String(res.headers['x-pod-name'])));
      },
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.end();
  });
}
