// The dataplane routes alone on a loopback port (127.0.0.1, port chosen by the OS), behind the
// workshop's dashboard policy, over a fake kernel dataplane: no nft, no conntrack, no namespace.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dataplaneStatusSchema,
  podPolicyRulesSchema,
  serviceRulesSchema,
  type NftChain,
  type WorkshopUser,
} from '@l4lab/protocol';
import { newTestCluster } from '@l4lab/cluster/testing';
import {
  nftablesDataplaneView,
  userspaceDataplaneView,
  type KernelRules,
} from '../dataplaneView.ts';
import { dashboardPolicy } from '../workshop/dashboardPolicy.ts';
import { dataplaneRoutes, type DataplaneView } from './dataplaneRoutes.ts';

const AT = 1_700_000_000_000;
const SERVICES = new Set(['alice/web', 'bob/db']);
const WEB_CHAINS: NftChain[] = [
  {
    name: 'service-ABCDEFGH-alice/web/tcp/',
    text: 'chain service-ABCDEFGH-alice/web/tcp/ {\n\tcounter packets 3 bytes 180 numgen random mod 1 vmap { 0 : goto endpoint-X }\n}',
  },
];

/** NftablesProxier's shape, with answers fixed by the test. */
function fakeKernelRules(): KernelRules & { failing: boolean } {
  return {
    failing: false,
    syncStats: () => ({ count: 4, p50Ms: 6, p95Ms: 12, lastMs: 7 }),
    unsupportedModes: () =>
      new Map([
        ['bob/db', 'maglev'],
        ['alice/web', 'ipvs:lc'],
      ]),
    async rulesFor(namespace, name) {
      if (this.failing) throw new Error('Error: Could not process rule: Operation not permitted');
      return { chains: namespace === 'alice' && name === 'web' ? WEB_CHAINS : [] };
    },
    networkPolicies: {
      rulesFor: async (namespace, name) =>
        namespace === 'alice' && name === 'web-1' ? POD_CHAINS : [],
    },
  };
}

const PODS = new Set(['alice/web-1', 'alice/client', 'bob/db-0']);
const POD_CHAINS: NftChain[] = [
  {
    name: 'ingress-alice/web-1',
    text: 'chain ingress-alice/web-1 {\n\tip saddr 127.244.1.10 accept comment "the pod itself"\n\tcounter packets 2 bytes 120 goto ingress-denied comment "NetworkPolicy deny: no ingress rule allows"\n}',
  },
];

const kernel = fakeKernelRules();
const nftables = nftablesDataplaneView({
  rules: kernel,
  events: { stats: () => ({ events: 120, lost: 2, restarts: 0, missedStarts: 1, open: 3 }) },
  serviceExists: (ns, name) => SERVICES.has(`${ns}/${name}`),
  podExists: (ns, name) => PODS.has(`${ns}/${name}`),
});

const servers: Server[] = [];

/** The routes as app.ts mounts them: policy first, the user set by a test header. */
async function serve(view: DataplaneView): Promise<string> {
  const app = express();
  app.use(function testUser(req, res, next) {
    const asked = req.header('x-test-user');
    if (asked) res.locals.user = JSON.parse(asked) as WorkshopUser;
    next();
  });
  const policy = {
    cluster: newTestCluster().cluster,
    generatorOwners: new Map<string, string>(),
    generators: () => [],
    trafficRateQuota: 100,
  };
  app.use(
    '/api',
    dashboardPolicy(policy),
    dataplaneRoutes(view, () => AT),
  );
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((ok) => server.once('listening', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

let kernelBase = '';
let userspaceBase = '';
beforeAll(async () => {
  kernelBase = await serve(nftables);
  userspaceBase = await serve(userspaceDataplaneView());
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
});

const ALICE: WorkshopUser = { name: 'alice', role: 'student', namespace: 'alice' };

async function get(base: string, path: string, user?: WorkshopUser) {
  const res = await fetch(`${base}${path}`, {
    headers: user ? { 'x-test-user': JSON.stringify(user) } : {},
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/dataplane', () => {
  it('says nftables runs in the kernel, with sync times, event counts and the modes it cannot serve', async () => {
    const r = await get(kernelBase, '/dataplane');
    expect(r.status).toBe(200);
    expect(dataplaneStatusSchema.parse(r.body)).toEqual({
      name: 'nftables',
      kernel: true,
      table: 'ip kube-proxy',
      sync: { count: 4, p50Ms: 6, p95Ms: 12, lastMs: 7 },
      events: { events: 120, lost: 2, restarts: 0 },
      unsupported: [
        { service: 'alice/web', requested: 'ipvs:lc' },
        { service: 'bob/db', requested: 'maglev' },
      ],
    });
  });

  it('leaves the event counts out until the conntrack reader runs', () => {
    const view = nftablesDataplaneView({
      rules: kernel,
      serviceExists: () => true,
      podExists: () => true,
    });
    expect(view.status()).not.toHaveProperty('events');
  });

  it('says userspace writes no kernel rules', async () => {
    const r = await get(userspaceBase, '/dataplane');
    expect(r.body).toEqual({ name: 'userspace', kernel: false, unsupported: [] });
  });

  it("shows a student only their own Services' unsupported modes", async () => {
    const r = await get(kernelBase, '/dataplane', ALICE);
    expect(r.status).toBe(200);
    expect(r.body.unsupported).toEqual([{ service: 'alice/web', requested: 'ipvs:lc' }]);
    expect(r.body.name).toBe('nftables');
  });
});

describe('GET /api/dataplane/rules/{namespace}/{name}', () => {
  it("answers the Service's chains as the kernel listed them, stamped with the time", async () => {
    const r = await get(kernelBase, '/dataplane/rules/alice/web');
    expect(r.status).toBe(200);
    expect(serviceRulesSchema.parse(r.body)).toEqual({
      table: 'ip kube-proxy',
      service: 'alice/web',
      chains: WEB_CHAINS,
      at: AT,
    });
  });

  it('answers an existing Service without rules (no ports yet) with no chains', async () => {
    const r = await get(kernelBase, '/dataplane/rules/bob/db');
    expect(r.status).toBe(200);
    expect(r.body.chains).toEqual([]);
  });

  it("answers an unknown Service with the API server's NotFound", async () => {
    const r = await get(kernelBase, '/dataplane/rules/alice/nope');
    expect(r).toEqual({
      status: 404,
      body: { error: { code: 'L4_E_NOT_FOUND', message: 'services "nope" not found' } },
    });
  });

  it('refuses under userspace with 409 and what to do', async () => {
    const r = await get(userspaceBase, '/dataplane/rules/alice/web');
    expect(r).toEqual({
      status: 409,
      body: {
        error: {
          code: 'L4_E_NO_KERNEL_RULES',
          message:
            'the userspace dataplane writes no kernel rules: start with --dataplane nftables',
        },
      },
    });
  });

  it('says what nft said when listing fails', async () => {
    kernel.failing = true;
    try {
      const r = await get(kernelBase, '/dataplane/rules/alice/web');
      expect(r.status).toBe(500);
      expect(r.body.error).toEqual({
        code: 'L4_E_NFT_LIST',
        message:
          'could not list table ip kube-proxy: Error: Could not process rule: Operation not permitted',
      });
    } finally {
      kernel.failing = false;
    }
  });

  it("lets a student read their own Service's rules and no one else's", async () => {
    expect((await get(kernelBase, '/dataplane/rules/alice/web', ALICE)).status).toBe(200);
    const r = await get(kernelBase, '/dataplane/rules/bob/db', ALICE);
    expect(r.status).toBe(403);
    expect(r.body.error).toEqual({
      code: 'L4_E_FORBIDDEN',
      message:
        'services "db" is forbidden: User "alice" cannot get resource "services" in API group "" in the namespace "bob"',
    });
  });

  it('lets a viewer read any Service', async () => {
    const viewer: WorkshopUser = { name: 'viewer', role: 'viewer' };
    expect((await get(kernelBase, '/dataplane/rules/bob/db', viewer)).status).toBe(200);
  });
});

describe('GET /api/dataplane/policy-rules/{namespace}/{name}', () => {
  it("answers the pod's NetworkPolicy chains as the kernel listed them; none for a pod no policy isolates", async () => {
    const r = await get(kernelBase, '/dataplane/policy-rules/alice/web-1');
    expect(r.status).toBe(200);
    expect(podPolicyRulesSchema.parse(r.body)).toEqual({
      table: 'ip l4lab-network-policies',
      pod: 'alice/web-1',
      chains: POD_CHAINS,
      at: AT,
    });
    expect((await get(kernelBase, '/dataplane/policy-rules/alice/client')).body.chains).toEqual([]);
  });

  it("answers an unknown pod with NotFound, userspace with 409, a student's neighbour with 403", async () => {
    expect((await get(kernelBase, '/dataplane/policy-rules/alice/nope')).body).toEqual({
      error: { code: 'L4_E_NOT_FOUND', message: 'pods "nope" not found' },
    });
    const userspace = await get(userspaceBase, '/dataplane/policy-rules/alice/web-1');
    expect(userspace.status).toBe(409);
    expect((await get(kernelBase, '/dataplane/policy-rules/alice/web-1', ALICE)).status).toBe(200);
    const other = await get(kernelBase, '/dataplane/policy-rules/bob/db-0', ALICE);
    expect(other.status).toBe(403);
    expect(other.body.error).toEqual({
      code: 'L4_E_FORBIDDEN',
      message:
        'pods "db-0" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "bob"',
    });
  });
});
