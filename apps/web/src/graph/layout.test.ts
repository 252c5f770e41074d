import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod, Service } from '@l4lab/protocol';
import { mirrorOf } from '../store/clusterMirror.ts';
import { makeNode as node, makeService as service } from '../testing/builders.ts';
import { buildGraphModel, type GraphInput } from './graphModel.ts';
import { fitsReadably, layoutGraph } from './layout.ts';
import { arrange, frontTextX, isFoldedFrontends } from './layoutDetail.ts';
import { estimateWidth, keepEnd, ownerAndSuffix, podSuffix, SMALLEST_FONT } from './textSize.ts';

// Addresses: nodes 127.19.0.2-4, pods 127.150.0.0/16, services 127.100.0.0/16 (test ranges).

function pod(owner: string, suffix: string, n: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${owner}-${suffix}`,
      namespace: 'default',
      labels: { app: owner.replace(/-[a-z0-9]+$/, '') },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: owner, controller: true },
      ],
      creationTimestamp: `2026-12-01T00:00:0${n}Z`,
    },
    spec: { nodeName: `node-${(n % 3) + 1}`, containers: [{ name: 'nginx', image: 'nginx' }] },
    status: { phase: 'Running', podIP: `127.150.${(n % 3) + 1}.${n + 2}` },
  } as Pod;
}

function input(objects: KubeObject[]): GraphInput {
  return {
    cluster: mirrorOf(objects),
    counters: new Map(),
    countersBefore: undefined,
    recent: [],
    mappings: [],
    mapped: false,
    showSystem: false,
    now: 10_000,
    past: false,
    defaultMode: 'iptables',
  };
}

/** `count` Services of 3 pods each, each with a NodePort. */
function lab(count: number): KubeObject[] {
  const objects: KubeObject[] = [node(1), node(2), node(3)];
  for (let i = 0; i < count; i++) {
    const name = `web-${i}`;
    objects.push(
      service(name, {
        type: 'NodePort',
        clusterIP: `127.100.0.${i + 2}`,
        selector: { app: name },
        ports: [{ port: 80, nodePort: 30000 + i }],
      }),
    );
    for (let p = 0; p < 3; p++) objects.push(pod(`${name}-58bbb84dfd`, `x${i}p${p}`, p));
  }
  return objects;
}

const normal = { width: 1000, height: 560, minScale: 11 / SMALLEST_FONT, maxScale: 2 };

describe('layoutGraph', () => {
  it('shows one Service in full detail and fills the canvas with it', () => {
    const l = layoutGraph(buildGraphModel(input(lab(1))), normal);
    expect(l.detail).toBe('full');
    expect(l.scale).toBeGreaterThanOrEqual(normal.minScale);
    // The world is as large as the canvas at that scale: nothing is left empty beside it.
    expect(l.width * l.scale).toBeCloseTo(normal.width, 0);
    expect(l.height * l.scale).toBeCloseTo(normal.height, 0);
    expect(l.pods.every((p) => !p.compact)).toBe(true);
  });

  it('keeps a lone Service on screen when its pods run past the bottom of a small canvas', () => {
    const objects: KubeObject[] = [node(1), node(2), node(3)];
    objects.push(service('web', { clusterIP: '127.100.0.2', selector: { app: 'web' } }));
    for (let p = 0; p < 21; p++) objects.push(pod('web-58bbb84dfd', `p${p}`, p));
    const small = { ...normal, width: 1240, height: 400 };
    const l = layoutGraph(buildGraphModel(input(objects)), small);
    const shown = small.height / l.scale;
    expect(l.height).toBeGreaterThan(shown); // the pods overflow, at the readable minimum
    const web = l.services.find((s) => s.item.id === 'default/web')!;
    // Centred on what shows (not on the whole), clear of the canvas' bottom and its legend.
    expect(web.y + web.h / 2).toBeCloseTo((shown + 36 - 10) / 2, 0);
    expect(web.y + web.h).toBeLessThan(shown * 0.75);
  });

  it('loses detail, never size, as Services are added: compact pods, then folded Services', () => {
    const details: string[] = [];
    for (const n of [1, 3, 6, 12]) {
      const l = layoutGraph(buildGraphModel(input(lab(n))), { ...normal, focus: 'default/web-0' });
      expect(l.scale).toBeGreaterThanOrEqual(normal.minScale);
      details.push(l.detail);
    }
    expect(details[0]).toBe('full');
    expect(details.at(-1)).not.toBe('full');
    const folded = layoutGraph(buildGraphModel(input(lab(12))), {
      ...normal,
      focus: 'default/web-0',
    });
    // The focus stays whole; a folded Service answers for its frontends with one box.
    expect(folded.services.find((s) => s.item.id === 'default/web-0')?.folded).toBe(false);
    if (folded.detail === 'folded' || folded.detail === 'merged') {
      const other = folded.services.find((s) => s.item.id === 'default/web-5')!;
      expect(other.folded).toBe(true);
      const a = folded.byId.frontend.get('default/web-5|ClusterIP|80');
      const b = folded.byId.frontend.get('default/web-5|NodePort|node-2|30005');
      expect(a).toBeDefined();
      expect(a).toBe(b);
    }
    expect(fitsReadably(buildGraphModel(input(lab(40))), normal)).toBe(false);
    expect(fitsReadably(buildGraphModel(input(lab(1))), normal)).toBe(true);
  });

  it('say in one box which frontends a folded Service has: its kinds and their counts, no badge', () => {
    const detail = {
      name: 'folded',
      compactPods: true,
      fold: true,
      merge: false,
      inlineClusterIP: false,
    } as const;
    const a = arrange(buildGraphModel(input(lab(2))), detail, {
      width: 1200,
      height: 700,
      focus: 'default/web-0',
      measure: estimateWidth,
    });
    const other = a.frontends.filter((f) => f.item.service === 'default/web-1');
    expect(other.map((f) => f.item.label)).toEqual(['CIP · NP ×3']);
    expect(isFoldedFrontends(other[0]!.item)).toBe(true);
    expect(frontTextX(other[0]!.item)).toBeLessThan(44);
    // The focus keeps a box per frontend, each after its kind's badge.
    const focus = a.frontends.filter((f) => f.item.service === 'default/web-0');
    expect(focus).toHaveLength(4);
    expect(focus.some((f) => isFoldedFrontends(f.item))).toBe(false);
  });

  it('groups compact pods by owner per node, each row naming what tells it apart', () => {
    const l = layoutGraph(buildGraphModel(input(lab(6))), { ...normal, focus: 'default/web-0' });
    const rows = l.pods.filter((p) => p.compact);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const grouped = l.groups.some((g) => g.item.pods.some((p) => p.id === r.item.id));
      // Under its owner's header: the suffix; alone: its name, keeping the end.
      if (grouped) expect(r.label).toBe(podSuffix(r.item.name, r.item.owner));
      else expect(r.label).toBe(ownerAndSuffix(r.item.name, r.item.owner, 18));
    }
    for (const g of l.groups) {
      expect(g.item.pods.length).toBeGreaterThan(1);
      expect(new Set(g.item.pods.map((p) => p.owner)).size).toBe(1);
    }
  });
});

describe('pods in a node', () => {
  it("come with the Services' endpoints first, whatever pod was created first", () => {
    const client = {
      ...pod('x', 'client', 0),
      metadata: {
        name: 'client',
        namespace: 'default',
        creationTimestamp: '2026-12-01T00:00:00Z',
      },
    } as Pod;
    const objects = lab(1);
    // The client pod on node-1, older than web-0's pods; web-0's endpoints in a slice.
    objects.splice(3, 0, client);
    const webPods = objects.filter(
      (o): o is Pod => o.kind === 'Pod' && o.metadata.name !== 'client',
    );
    objects.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'web-0-abcde',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'web-0' },
      },
      addressType: 'IPv4',
      ports: [{ name: '', port: 80, protocol: 'TCP' }],
      endpoints: webPods.map((p) => ({
        addresses: [p.status!.podIP!],
        conditions: { ready: true },
        nodeName: p.spec.nodeName!,
        targetRef: {
          kind: 'Pod',
          namespace: 'default',
          name: p.metadata.name,
          uid: p.metadata.name,
        },
      })),
    });
    const model = buildGraphModel(input(objects));
    const slices = model.nodes.find((n) => n.name === 'node-1')!.pods.map((p) => p.name);
    expect(slices[0]).toBe('client');
    for (const opts of [normal, { ...normal, width: 500, height: 300 }]) {
      const l = layoutGraph(model, opts);
      const onNode1 = l.pods.filter((p) => p.item.node === 'node-1');
      const first = onNode1.reduce((a, b) => (b.x < a.x || (b.x === a.x && b.y < a.y) ? b : a));
      expect(first.item.name).not.toBe('client');
    }
  });
});

describe('the least detail: ClusterIP frontends drawn as their Service box', () => {
  /** Lesson 12's shape: v1 and v2 pods of one Service side by side on each node. */
  function canary(type: 'ClusterIP' | 'NodePort'): KubeObject[] {
    const objects: KubeObject[] = [node(1), node(2), node(3)];
    objects.push(
      service('web', {
        type,
        clusterIP: '127.100.0.2',
        selector: { app: 'web' },
        ports: [{ port: 80, ...(type === 'NodePort' ? { nodePort: 30080 } : {}) }],
      }),
    );
    for (let p = 0; p < 3; p++) objects.push(pod('web-v1-5bb9c545ff', `v1p${p}`, p));
    for (let p = 0; p < 3; p++) objects.push(pod('web-v2-6c4484ff45', `v2p${p}`, p));
    return objects;
  }
  const presenter = {
    width: 1100,
    height: 404,
    minScale: 18 / SMALLEST_FONT,
    maxScale: 2,
    focus: 'default/web',
  };

  it('when nothing else fits at the readable size, clients enter the Service box itself', () => {
    const model = buildGraphModel(input(canary('ClusterIP')));
    const l = layoutGraph(model, presenter);
    expect(l.detail).toBe('inline');
    expect(l.scale).toBeGreaterThanOrEqual(presenter.minScale);
    // Everything is in view: the world is no larger than the canvas at the scale drawn.
    expect(l.width * l.scale).toBeLessThanOrEqual(presenter.width + 0.5);
    expect(l.frontends).toEqual([]);
    const frontend = model.frontends.find((f) => f.kind === 'ClusterIP')!;
    expect(l.byId.frontend.get(frontend.id)).toBe(l.byId.service.get('default/web'));
    // Given room, the frontend has its own box again.
    const roomy = layoutGraph(model, normal);
    expect(roomy.detail).not.toBe('inline');
    expect(roomy.frontends.map((f) => f.item.id)).toContain(frontend.id);
  });

  it('when even that runs past the canvas, it runs past its foot only: a pan down shows the rest', () => {
    // Two Services, 5 + 2 pods over 3 nodes, on a 1280x720 projector (seeds 01 and 02, scaled).
    const objects: KubeObject[] = [node(1), node(2), node(3)];
    const web = 'my-nginx';
    const np = 'my-nginx-nodeport';
    objects.push(service(web, { clusterIP: '127.100.0.2', selector: { app: web } }));
    for (let p = 0; p < 5; p++) objects.push(pod(`${web}-bfbf59774`, `abcd${p}`, p));
    const api = { type: 'NodePort', clusterIP: '127.100.0.3', selector: { app: np } } as const;
    objects.push(service(np, { ...api, ports: [{ port: 80, nodePort: 30380 }] }));
    for (let p = 1; p < 3; p++) objects.push(pod(`${np}-5bdd7cfcf6`, `abcd${p}`, p));
    const l = layoutGraph(buildGraphModel(input(objects)), { ...presenter, width: 1258 });
    expect(l.scale).toBeCloseTo(presenter.minScale, 5);
    const right = Math.max(...[...l.nodes, ...l.pods].map((b) => b.x + b.w));
    const bottom = Math.max(...[...l.nodes, ...l.pods].map((b) => b.y + b.h));
    expect(right * l.scale).toBeLessThanOrEqual(1258);
    expect(bottom * l.scale).toBeGreaterThan(presenter.height);
  });

  it('keeps NodePort frontends in their lane: only the ClusterIP one goes', () => {
    const model = buildGraphModel(input(canary('NodePort')));
    const l = layoutGraph(model, presenter);
    expect(l.detail).toBe('inline');
    expect(l.frontends.length).toBeGreaterThan(0);
    expect(l.frontends.every((f) => f.item.kind === 'NodePort')).toBe(true);
    const cip = model.frontends.find((f) => f.kind === 'ClusterIP')!;
    expect(l.byId.frontend.get(cip.id)).toBe(l.byId.service.get('default/web'));
  });
});

describe('names', () => {
  it('keep their end (hash and suffix), where pods differ', () => {
    expect(keepEnd('my-nginx-nodeport-749fbcdbbd-fwxbq', 20)).toBe('…rt-749fbcdbbd-fwxbq');
    expect(keepEnd('my-nginx-nodeport-749fbcdbbd-fwxbq', 20).endsWith('749fbcdbbd-fwxbq')).toBe(
      true,
    );
    expect(keepEnd('short', 20)).toBe('short');
    expect(podSuffix('my-nginx-58bbb84dfd-68hvk', 'my-nginx-58bbb84dfd')).toBe('68hvk');
    expect(podSuffix('standalone', '')).toBe('standalone');
  });

  it("alone on a node, say their Deployment's name and their own suffix, not the hash", () => {
    expect(ownerAndSuffix('web-v1-5bb9c545ff-k896h', 'web-v1-5bb9c545ff', 18)).toBe(
      'web-v1-…-k896h',
    );
    expect(ownerAndSuffix('web-v2-6c4484ff45-pknr7', 'web-v2-6c4484ff45', 18)).toBe(
      'web-v2-…-pknr7',
    );
    expect(
      ownerAndSuffix('my-nginx-nodeport-749fbcdbbd-fwxbq', 'my-nginx-nodeport-749fbcdbbd', 18),
    ).toBe('my-nginx-n…-fwxbq');
    expect(ownerAndSuffix('web-0', 'web', 18)).toBe('web-0');
    expect(ownerAndSuffix('a-very-long-bare-pod-name', '', 18)).toBe(
      keepEnd('a-very-long-bare-pod-name', 18),
    );
  });
});

describe('frontends', () => {
  it('one per port, named by the port (scenario 08), and a LoadBalancer box leads with its external IP', () => {
    const multi = service('multi', {
      clusterIP: '127.100.0.8',
      ports: [
        { name: 'http', port: 80 },
        { name: 'metrics', port: 8080 },
      ],
    });
    const lb: Service = {
      ...service('lb', {
        type: 'LoadBalancer',
        clusterIP: '127.100.0.9',
        ports: [{ port: 80, nodePort: 30080 }],
      }),
      status: { loadBalancer: { ingress: [{ ip: '127.201.0.1' }] } },
    };
    const m = buildGraphModel(input([node(1), multi, lb]));
    expect(m.frontends.filter((f) => f.service === 'default/multi').map((f) => f.label)).toEqual([
      '127.100.0.8:80 http',
      '127.100.0.8:8080 metrics',
    ]);
    const box = m.services.find((s) => s.id === 'default/lb')!;
    expect(box.detail).toBe('LoadBalancer 127.201.0.1');
    expect(box.notes).toContain('clusterIP 127.100.0.9');
  });
});
