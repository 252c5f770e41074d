// A Service without selector whose backends a user names by hand, as the docs' "Services without
// selectors" does: with an EndpointSlice, or with legacy Endpoints that the mirroring controller
// copies into one. kube-proxy routes real connections to the addresses written (here a pod's own
// 127.x address, as a lab user would write it). Addresses: random test ranges (testRanges.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '@l4lab/protocol';
import { eventually, httpGet } from './docsCorpusHarness.ts';
import { startTestLab, waitFor, type TestLab } from './testLab.ts';

let t: TestLab;
let backend: Pod;

const BACKEND = `apiVersion: v1
kind: Pod
metadata:
  name: echo
  namespace: default
spec:
  containers:
    - name: echo
      image: hashicorp/http-echo
      args: ['-text=by hand']
      ports:
        - containerPort: 5678
`;

const selectorless = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: default
spec:
  ports:
    - port: 80
      targetPort: 5678
`;

beforeAll(async () => {
  t = await startTestLab({ runtime: 'builtin' });
  await t.apply(BACKEND);
  backend = await waitFor('the echo pod Ready', async () => (await t.readyPods('echo'))[0]);
});

afterAll(async () => {
  await t?.stop();
});

async function clusterIP(name: string): Promise<string> {
  const r = await t.api<{ spec: { clusterIP: string } }>(
    'GET',
    `/api/objects/services/default/${name}`,
  );
  return r.body.spec.clusterIP;
}

async function answersThrough(name: string): Promise<void> {
  const target = t.target(await clusterIP(name), 80);
  const got = await eventually(10_000, () => httpGet(target.host, target.port));
  expect(got.body).toMatch(/^by hand/);
}

describe('a Service without selector, its endpoints written by hand', () => {
  it('is routed to the addresses of an EndpointSlice', { timeout: 30_000 }, async () => {
    await t.apply(`${selectorless('manual-slice')}---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: manual-slice-1
  namespace: default
  labels:
    kubernetes.io/service-name: manual-slice
addressType: IPv4
ports:
  - name: ''
    port: 5678
endpoints:
  - addresses: ['${backend.status!.podIP!}']
`);
    await answersThrough('manual-slice');
  });

  it(
    'is routed to the addresses of Endpoints, through the mirrored slice',
    { timeout: 30_000 },
    async () => {
      await t.apply(`${selectorless('manual-endpoints')}---
apiVersion: v1
kind: Endpoints
metadata:
  name: manual-endpoints
  namespace: default
subsets:
  - addresses:
      - ip: ${backend.status!.podIP!}
    ports:
      - port: 5678
`);
      await answersThrough('manual-endpoints');
      const ep = await t.api<{ subsets: unknown[] }>(
        'GET',
        '/api/v1/namespaces/default/endpoints/manual-endpoints',
      );
      expect(ep.body.subsets).toEqual([
        { addresses: [{ ip: backend.status!.podIP! }], ports: [{ port: 5678, protocol: 'TCP' }] },
      ]);
    },
  );
});
