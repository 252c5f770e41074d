import type {
  GraphClient,
  GraphFrontend,
  GraphModel,
  GraphNode,
  GraphPod,
  GraphService,
} from './graphModel.ts';
import type { Box, Placed, PlacedPod, PodGroup } from './layout.ts';
import { reachedDirectly, ridesKeepAlive } from './graphRequests.ts';
import { nodeAddress } from './graphNodes.ts';
import { FONT, keepEnd, ownerAndSuffix, podSuffix, type Measure } from './textSize.ts';
import { frontendBadge } from '../format/kube.ts';

// One arrangement of the graph at one level of detail, at its natural size (no stretching).

export interface Detail {
  name: 'full' | 'compact' | 'folded' | 'merged' | 'inline';
  /** Pods as one row each under their owner's header, instead of a card each. */
  compactPods: boolean;
  /** Services other than the focus as a title only, their frontends merged into one box. */
  fold: boolean;
  /** NodePorts of one port merged across nodes; many clients merged into one box. */
  merge: boolean;
  /**
   * ClusterIP frontends drawn as their Service's box, which already says the ClusterIP and its
   * ports: connections enter the Service box straight from their clients.
   */
  inlineClusterIP: boolean;
}

interface Opts {
  width: number;
  height: number;
  /** The readable minimum scale (none: the best fit, whatever its scale). */
  minScale?: number;
  focus?: string | undefined;
  unfolded?: ReadonlySet<string> | undefined;
  measure: Measure;
}

const TOP = 36;
const MARGIN = 10;
const GAP = 28;
const CLIENT_H = 34;
const CLIENT_GAP = 10;
const FRONT_H = 30;
const FRONT_GAP = 8;
const GROUP_GAP = 22;
const POD_H = 72;
const POD_GAP = 8;
const ROW_H = 26;
const GROUP_HEAD = 24;
const NODE_HEAD = 34;
const NODE_PAD = 8;
const NODE_GAP = 10;
const LINE = 19;
// Rates change twice a second: boxes are sized for a wide one, so they do not twitch.
const RATE_SAMPLE = '00.0 conn/s · 00000 in all';
const ROW_RATE_SAMPLE = '00.0/s';
const ROW_REQ_SAMPLE = '00.0 req/s';
/** A pod alone of its owner on its node is one row, no header: its name keeps its end. */
const SINGLE_MAX = 18;
/** Longest owner name over a compact group; longer ones keep their end (the hash). */
export const OWNER_MAX = 24;
/** Longest pod name shown whole; longer ones keep their end. */
const POD_NAME_MAX = 34;

export function serviceHeight(s: GraphService, folded: boolean): number {
  if (folded) return 58;
  return 64 + LINE * serviceLines(s).length;
}

export function serviceLines(s: GraphService): { cls: string; t: string }[] {
  return [
    ...s.ports.map((t) => ({ cls: 'port', t })),
    ...s.notes.map((t) => ({ cls: 'note', t })),
    ...(s.picks.length > 1 ? [{ cls: 'picks', t: `picks ${s.picks.join(' ')}` }] : []),
    ...(s.mode
      ? [{ cls: 'mode', t: `mode ${s.mode}${s.modeFromAnnotation ? ' (annotation)' : ''}` }]
      : []),
  ];
}

export const rateText = (r: number) => (r < 10 ? r.toFixed(1) : Math.round(r).toString());

/**
 * The pod's NetworkPolicy badge: which directions policies isolate it in (`NetPol in`,
 * `NetPol out`, `NetPol in·out`), '' when none does; and the policies, for its tooltip.
 */
export function podPolicy(p: GraphPod): { badge: string; title: string } {
  const iso = p.isolation;
  if (!iso) return { badge: '', title: '' };
  const dirs = [iso.ingress.length > 0 && 'in', iso.egress.length > 0 && 'out'].filter(Boolean);
  const says = (dir: string, names: string[]) =>
    names.length ? [`isolated for ${dir} by NetworkPolicy ${names.join(', ')}`] : [];
  return {
    badge: `NetPol ${dirs.join('·')}`,
    title: [...says('ingress', iso.ingress), ...says('egress', iso.egress)].join('\n'),
  };
}

/** Room for the pod's NetworkPolicy badge beside its rate (none when no policy isolates it). */
function policyWidth(p: GraphPod, m: Measure): number {
  const { badge } = podPolicy(p);
  return badge ? m(`${badge}  `, FONT.text, 'mono') : 0;
}

export function podLines(p: GraphPod): { sub: string; rate: string } {
  const sub = `${p.ip || 'no IP'} · ${p.status}${p.restarts > 0 ? ` · ↻${p.restarts}` : ''}${p.standIn ? ' · stand-in' : ''}`;
  const rate = ridesKeepAlive(p)
    ? `${rateText(p.requestRate)} req/s over ${p.open} conn`
    : reachedDirectly(p)
      ? `${rateText(p.requestRate)} req/s · no proxy`
      : p.connections === 0 && p.rate === 0
        ? 'no connections yet'
        : `${rateText(p.rate)} conn/s · ${p.connections} in all`;
  return { sub, rate };
}

/** A compact row's right-hand text. */
export const podRowRate = (p: GraphPod) =>
  p.health !== 'ready'
    ? p.status
    : ridesKeepAlive(p) || reachedDirectly(p)
      ? `${rateText(p.requestRate)} req/s`
      : `${rateText(p.rate)}/s`;

function mergeFrontends(
  list: GraphFrontend[],
  key: (f: GraphFrontend) => string,
  label: (g: GraphFrontend[]) => string,
) {
  const groups = new Map<string, GraphFrontend[]>();
  for (const f of list) {
    const k = key(f);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const merged: GraphFrontend[] = [];
  const alias = new Map<string, string>();
  for (const [k, g] of groups) {
    if (g.length === 1) {
      merged.push(g[0]!);
      continue;
    }
    const id = `${k}|merged`;
    merged.push({ ...g[0]!, id, label: label(g) });
    for (const f of g) alias.set(f.id, id);
  }
  return { merged, alias };
}

/**
 * Each node's pods with the Services' endpoints first (creation order otherwise): the lines from
 * the Services land on the nearest column, not across pods that only connect out.
 */
function backendsFirst(model: GraphModel): GraphNode[] {
  const backs = new Set(model.edges.filter((e) => e.toLane === 'pod').map((e) => e.to));
  const rank = (p: GraphPod) => (backs.has(p.id) ? 0 : 1);
  return model.nodes.map((n) =>
    n.pods.some((p) => rank(p) === 1)
      ? { ...n, pods: [...n.pods].sort((a, b) => rank(a) - rank(b)) }
      : n,
  );
}

export function arrange(model: GraphModel, detail: Detail, opts: Opts) {
  const m = opts.measure;
  const nodeList = backendsFirst(model);
  const frontendAlias = new Map<string, string>();
  const clientAlias = new Map<string, string>();
  const foldedIds = new Set<string>();
  if (detail.fold) {
    for (const s of model.services) {
      if (s.id !== opts.focus && !opts.unfolded?.has(s.id)) foldedIds.add(s.id);
    }
  }
  // Frontends: folded Services get one box for all their addresses; merged NodePorts one per port.
  let frontends = model.frontends;
  if (detail.fold) {
    const r = mergeFrontends(
      frontends,
      (f) => (foldedIds.has(f.service) ? `${f.service}|${FOLDED}` : f.id),
      foldedLabel,
    );
    frontends = r.merged;
    for (const [a, b] of r.alias) frontendAlias.set(a, b);
  }
  if (detail.merge) {
    const r = mergeFrontends(
      frontends,
      (f) => (f.kind === 'NodePort' ? `${f.service}|NodePort|*|${f.servicePort}` : f.id),
      (g) => `${g.length} nodes :${g[0]!.port}`,
    );
    frontends = r.merged;
    for (const [a, b] of r.alias) frontendAlias.set(a, b);
    for (const [a, b] of frontendAlias) frontendAlias.set(a, r.alias.get(b) ?? b);
    // The Service's box says its ClusterIP: its frontend box needs only the port.
    frontends = frontends.map((f) =>
      f.kind === 'ClusterIP' && !f.id.endsWith('|merged')
        ? { ...f, label: f.label.replace(/^[^:]+/, '') }
        : f,
    );
  }
  // ClusterIP frontends the Service box stands for (frontend id -> Service id).
  const frontendService = new Map<string, string>();
  if (detail.inlineClusterIP) {
    const inlined = frontends.filter((f) => f.kind === 'ClusterIP' && !f.id.endsWith('|merged'));
    for (const f of inlined) frontendService.set(f.id, f.service);
    for (const [a, b] of frontendAlias) {
      const svc = frontendService.get(b);
      if (svc) frontendService.set(a, svc);
    }
    frontends = frontends.filter((f) => !frontendService.has(f.id));
    for (const id of frontendService.keys()) frontendAlias.delete(id);
  }
  let clients = model.clients;
  if (detail.merge && clients.length > 4) {
    const id = 'clients|merged';
    const ext = clients.filter((c) => !c.pod).length;
    const label = `${clients.length} clients${ext ? ` (${ext} external)` : ''}`;
    for (const c of clients) clientAlias.set(c.id, id);
    clients = [{ id, ip: '', pod: undefined, label }];
  }

  // Lane widths from the text they hold.
  const clientText = (c: GraphClient) => (c.pod ? keepEnd(c.pod.split('/')[1]!, 22) : c.label);
  // No clients yet: no lane for them (its room goes to the rest).
  const clientW =
    clients.length === 0
      ? 0
      : Math.max(110, ...clients.map((c) => m(clientText(c), FONT.client, 'mono') + 22));
  // No frontend left in the lane (all inlined): no lane for them.
  const frontW =
    frontends.length === 0
      ? 0
      : Math.max(
          110,
          ...frontends.map((f) => frontTextX(f) + m(frontText(f), FONT.text, 'mono') + 14),
        );
  const serviceW = Math.max(
    180,
    ...model.services.map((s) => {
      const head = m(s.name, FONT.title, 'bold') + 16 + m(s.namespace, FONT.badge, 'sans');
      const lines = foldedIds.has(s.id)
        ? []
        : serviceLines(s).map((l) => m(l.t, FONT.text, 'mono'));
      return 28 + Math.max(head, m(s.detail, FONT.text, 'mono'), ...lines);
    }),
  );
  const fullPodW = Math.max(
    180,
    ...nodeList.flatMap((n) =>
      n.pods.map((p) => {
        const l = podLines(p);
        return (
          32 +
          Math.max(
            m(keepEnd(p.name, POD_NAME_MAX), FONT.podTitle, 'bold'),
            m(l.sub, FONT.text, 'mono'),
            m(l.rate.length > RATE_SAMPLE.length ? l.rate : RATE_SAMPLE, FONT.text, 'mono') +
              policyWidth(p, m),
          ) +
          12
        );
      }),
    ),
  );
  const label = rowLabels(nodeList);
  const rowW = Math.max(
    150,
    ...nodeList.flatMap((n) =>
      n.pods.map(
        (p) =>
          28 +
          m(label(p), FONT.text, 'sans') +
          18 +
          m(
            p.health !== 'ready'
              ? podRowRate(p)
              : ridesKeepAlive(p) || reachedDirectly(p)
                ? ROW_REQ_SAMPLE
                : ROW_RATE_SAMPLE,
            FONT.text,
            'mono',
          ) +
          policyWidth(p, m) +
          10,
      ),
    ),
    ...nodeList.flatMap((n) =>
      groupsOf(n)
        .filter((g) => g.pods.length > 1)
        .map((g) => m(`${keepEnd(g.owner, OWNER_MAX)} ×99`, FONT.text, 'sans') + 20),
    ),
  );

  const clientsX = MARGIN;
  const frontX = clientsX + (clientW > 0 ? clientW + GAP : 0);
  const serviceX = frontX + (frontW > 0 ? frontW + GAP : 0);
  const nodesX = serviceX + serviceW + GAP;

  // Middle lanes: each Service with its frontends beside it.
  const placedFronts: Placed<GraphFrontend>[] = [];
  const services: (Placed<GraphService> & { folded: boolean })[] = [];
  let y = TOP;
  for (const s of model.services) {
    const folded = foldedIds.has(s.id);
    const own = frontends.filter((f) => f.service === s.id);
    const fh = own.length * (FRONT_H + FRONT_GAP) - FRONT_GAP;
    const sh = serviceHeight(s, folded);
    const h = Math.max(sh, fh);
    services.push({ item: s, x: serviceX, y: y + (h - sh) / 2, w: serviceW, h: sh, folded });
    own.forEach((item, i) => {
      const fy = y + (h - fh) / 2 + i * (FRONT_H + FRONT_GAP);
      placedFronts.push({ item, x: frontX, y: fy, w: frontW, h: FRONT_H });
    });
    y += h + GROUP_GAP;
  }
  const middle = y - GROUP_GAP;

  // Nodes: the pod columns per node that fit the canvas' shape best. When none fits at the
  // readable minimum, one that is only too tall: the rest is a pan down, not down and across.
  const tried: { placed: ReturnType<typeof placeNodes>; k: number; wide: boolean }[] = [];
  const most = Math.max(1, ...nodeList.map((n) => n.pods.length));
  for (const cols of [1, 2, 3, 4]) {
    const placed = placeNodes(nodeList, nodesX, cols, detail.compactPods, {
      fullPodW,
      rowW,
      label,
      nodeTitleW: (n) =>
        m(nodeTitle(n), FONT.title, 'bold') + 20 + m(nodeAddress(n), FONT.text, 'mono'),
    });
    const w = nodesX + placed.width + MARGIN;
    const h = Math.max(middle, placed.bottom) + MARGIN;
    const k = Math.min(opts.width / w, opts.height / h);
    // Its boxes within the width (the margin past the last may be cut).
    tried.push({ placed, k, wide: opts.width / (w - MARGIN) >= (opts.minScale ?? 0) });
    if (cols >= most) break;
  }
  const readable = tried.filter((t) => t.k >= (opts.minScale ?? 0));
  const wide = tried.filter((t) => t.wide);
  let best = (readable.length ? readable : wide.length ? wide : tried)[0]!;
  for (const t of readable.length ? readable : wide.length ? wide : tried)
    if (t.k > best.k + 0.02) best = t;
  const nodes = best.placed;

  const clientsPlaced = clients.map((item, i) => ({
    item,
    x: clientsX,
    y: TOP + i * (CLIENT_H + CLIENT_GAP),
    w: clientW,
    h: CLIENT_H,
  }));
  const clientsBottom = TOP + clients.length * (CLIENT_H + CLIENT_GAP) - CLIENT_GAP;
  const height = Math.max(middle, nodes.bottom, clientsBottom) + MARGIN;
  return {
    detail: detail.name,
    width: nodesX + nodes.width + MARGIN,
    height,
    lanes: { clients: clientsX, frontends: frontX, services: serviceX, nodes: nodesX },
    extent: {
      clients: clientsBottom - TOP,
      services: middle - TOP,
      nodes: nodes.bottom - TOP,
    },
    clients: clientsPlaced,
    frontends: placedFronts,
    services,
    nodes: nodes.nodes,
    groups: nodes.groups,
    pods: nodes.pods,
    clientAlias,
    frontendAlias,
    frontendService,
    hops: model.hops,
  };
}

/** A frontend box's address text (after its kind badge). */
export const frontText = (f: GraphFrontend) => f.label.replace(/^(LB|ext) /, '');

/** The key of the one box a folded Service's frontends share. */
const FOLDED = 'all';

/** Whether the box stands for all of a folded Service's frontends (it has no one kind). */
export const isFoldedFrontends = (f: GraphFrontend) => f.id.endsWith(`|${FOLDED}|merged`);

/** Where a frontend box's text starts: after its kind badge, or at its edge when it has none. */
export const frontTextX = (f: GraphFrontend) => (isFoldedFrontends(f) ? 12 : 44);

/** What a folded Service's one frontend box says: its kinds, in order, with their counts. */
function foldedLabel(group: GraphFrontend[]): string {
  const counts = new Map<string, number>();
  for (const f of group) {
    const badge = frontendBadge(f.kind);
    counts.set(badge, (counts.get(badge) ?? 0) + 1);
  }
  return [...counts].map(([badge, n]) => (n > 1 ? `${badge} ×${n}` : badge)).join(' · ');
}

/** The node's name and, as `kubectl get nodes` says them, NotReady and SchedulingDisabled. */
export const nodeTitle = (n: GraphNode) => {
  const status = [n.ready ? '' : 'NotReady', n.cordoned ? 'SchedulingDisabled' : '']
    .filter(Boolean)
    .join(',');
  return status ? `${n.name} · ${status}` : n.name;
};

interface NodeSizes {
  fullPodW: number;
  rowW: number;
  label(p: GraphPod): string;
  nodeTitleW(n: GraphNode): number;
}

/** What each compact row says: the suffix under its owner's header, or the end of a lone name. */
function rowLabels(nodes: GraphNode[]): (p: GraphPod) => string {
  const alone = new Set<string>();
  for (const n of nodes)
    for (const g of groupsOf(n)) if (g.pods.length === 1) alone.add(g.pods[0]!.id);
  return (p) =>
    alone.has(p.id) ? ownerAndSuffix(p.name, p.owner, SINGLE_MAX) : podSuffix(p.name, p.owner);
}

/** The owner groups of one node's pods, in the order their first pod came. */
function groupsOf(n: GraphNode): PodGroup[] {
  const byOwner = new Map<string, PodGroup>();
  for (const p of n.pods) {
    const key = p.owner || `pod:${p.id}`;
    let g = byOwner.get(key);
    if (!g) {
      g = { id: `${n.name}|${key}`, owner: p.owner, node: n.name, pods: [] };
      byOwner.set(key, g);
    }
    g.pods.push(p);
  }
  return [...byOwner.values()];
}

function placeNodes(list: GraphNode[], x: number, cols: number, compact: boolean, s: NodeSizes) {
  const cellW = compact ? s.rowW : s.fullPodW;
  const inner = cols * cellW + (cols - 1) * POD_GAP;
  const width = Math.max(inner + 2 * NODE_PAD, ...list.map((n) => s.nodeTitleW(n) + 24));
  const nodes: Placed<GraphNode>[] = [];
  const groups: Placed<PodGroup>[] = [];
  const pods: PlacedPod[] = [];
  let y = TOP;
  for (const n of list) {
    const top = y + NODE_HEAD;
    let h: number;
    if (!compact) {
      const rows = Math.max(1, Math.ceil(n.pods.length / cols));
      n.pods.forEach((item, i) => {
        pods.push({
          item,
          compact: false,
          label: keepEnd(item.name, POD_NAME_MAX),
          x: x + NODE_PAD + (i % cols) * (cellW + POD_GAP),
          y: top + Math.floor(i / cols) * (POD_H + POD_GAP),
          w: cellW,
          h: POD_H,
        });
      });
      h = NODE_HEAD + rows * (POD_H + POD_GAP) - POD_GAP + NODE_PAD;
    } else {
      // Groups flow into `cols` columns, each column as tall as it needs.
      const colY = Array.from({ length: cols }, () => top);
      for (const g of groupsOf(n)) {
        const c = colY.indexOf(Math.min(...colY));
        const gx = x + NODE_PAD + c * (cellW + POD_GAP);
        // A header only over two pods or more of one owner: a lone pod is its own row.
        const head = g.pods.length > 1 ? GROUP_HEAD : 0;
        const gh = head + g.pods.length * ROW_H + (head ? 4 : 0);
        if (head) groups.push({ item: g, x: gx, y: colY[c]!, w: cellW, h: gh });
        g.pods.forEach((item, i) => {
          pods.push({
            item,
            compact: true,
            label: s.label(item),
            x: head ? gx + 4 : gx,
            y: colY[c]! + head + i * ROW_H,
            w: head ? cellW - 8 : cellW,
            h: ROW_H - 3,
          });
        });
        colY[c] = colY[c]! + gh + POD_GAP;
      }
      const bottom = Math.max(...colY) - POD_GAP;
      h = Math.max(NODE_HEAD + 20, bottom - y + NODE_PAD);
    }
    if (n.pods.length === 0) h = NODE_HEAD + 20;
    nodes.push({ item: n, x, y, w: width, h });
    y += h + NODE_GAP;
  }
  return { nodes, groups, pods, width, bottom: y - NODE_GAP };
}

export type { Box };
