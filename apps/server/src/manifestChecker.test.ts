// The manifest checker's worker: same answers as checkManifests, a budget per request, a bounded queue.
import { afterEach, describe, expect, it } from 'vitest';
import { checkManifests } from '@l4lab/manifests';
import { CheckRefused, ManifestChecker } from './manifestChecker.ts';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: my-nginx
spec:
  ports:
  - port: 80
    protocol: TCP
  selector:
    run: my-nginx
`;

/** About a megabyte of maps at the keys-per-map limit: over a second to parse on this machine. */
function costlyManifest(): string {
  const docs: string[] = [];
  for (let d = 0; d < 60; d++) {
    const keys = Array.from({ length: 1900 }, (_, k) => `  k${k}: v\n`).join('');
    docs.push(`apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c${d}\ndata:\n${keys}`);
  }
  return docs.join('---\n');
}

async function refusal(p: Promise<unknown>): Promise<CheckRefused> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CheckRefused)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
}

let checker: ManifestChecker | undefined;
afterEach(async () => {
  await checker?.close();
  checker = undefined;
});

describe('ManifestChecker', () => {
  it('answers what checkManifests answers, from its worker', async () => {
    checker = new ManifestChecker();
    const text = `${SERVICE}---\nkind: Pod\n`;
    expect(await checker.check(text)).toEqual(checkManifests(text));
  });

  it('locates fields for errors only the cluster can find', async () => {
    checker = new ManifestChecker();
    const positions = await checker.locate(`---\n${SERVICE}`, [
      { document: 0, path: 'spec.ports[0].port' },
      { document: 3, path: 'spec' },
    ]);
    expect(positions).toEqual([{ line: 8, column: 11 }, undefined]);
  });

  it('refuses a request over its budget, naming the limit, and serves the next with a new worker', async () => {
    checker = new ManifestChecker({ budgetMs: 50 });
    checker.warm();
    const err = await refusal(checker.check(costlyManifest()));
    expect(err.status).toBe(422);
    expect(err.error).toMatchObject({ code: 'L4_E_LIMIT', line: 1, document: 0 });
    expect(err.error.message).toMatch(/took longer than 0\.05 s, the limit per apply/);
    const next = await checker.check(SERVICE);
    expect(next.errors).toEqual([]);
    expect(next.objects).toHaveLength(1);
  });

  it('asks callers to retry when too many manifests wait', async () => {
    checker = new ManifestChecker({ maxQueued: 1 });
    // The worker is still loading: the first request waits in the queue, which is then full.
    const first = checker.check(SERVICE);
    const err = await refusal(checker.check(SERVICE));
    expect(err.status).toBe(429);
    expect(err.error.message).toMatch(/^Too many requests: 1 manifests are waiting/);
    expect((await first).objects).toHaveLength(1);
  });

  it('fails what is pending when it closes', async () => {
    checker = new ManifestChecker();
    const pending = refusal(checker.check(SERVICE));
    await checker.close();
    expect((await pending).error.message).toBe('the lab is shutting down');
  });
});
