import type {
  GraphClient,
  GraphFrontend,
  GraphModel,
  GraphNode,
  GraphPod,
  GraphService,
} from './graphModel.ts';
import type { Lane } from './graphTraffic.ts';
import { arrange, type Detail } from './layoutDetail.ts';
import { FONT, estimateWidth, type Measure } from './textSize.ts';

// Positions of everything, left to right: clients -> frontends -> Services -> nodes with pods.
// The layout is sized for the canvas it is shown in: it picks the most detail that still fits at
// a readable scale (semantic zoom), then spreads the lanes over the whole canvas.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placed<T> extends Box {
  item: T;
}

/** A pod drawn as one row of its owner's group (compact detail). */
export interface PlacedPod extends Placed<GraphPod> {
  compact: boolean;
  /** What the box says: the whole name, or what distinguishes it (`68hvk`, `…84dfd-68hvk`). */
  label: string;
}

/** The pods of one owner (ReplicaSet) on one node, under one header (compact detail). */
export interface PodGroup {
  id: string;
  owner: string;
  node: string;
  pods: GraphPod[];
}

export interface GraphLayout {
  width: number;
  height: number;
  /** The scale that shows all of it (at least the readable minimum; it may then overflow). */
  scale: number;
  detail: Detail['name'];
  lanes: { clients: number; frontends: number; services: number; nodes: number };
  clients: Placed<GraphClient>[];
  frontends: Placed<GraphFrontend>[];
  services: (Placed<GraphService> & { folded: boolean })[];
  nodes: Placed<GraphNode>[];
  groups: Placed<PodGroup>[];
  pods: PlacedPod[];
  /** Every id an event or edge may name -> the box drawn for it (merged boxes answer for many). */
  byId: Record<Lane, Map<string, Box>>;
  hops: ReadonlyMap<string, string>;
}

export interface LayoutOptions {
  width: number;
  height: number;
  /** Below this scale the smallest text is unreadable: detail goes first. */
  minScale: number;
  maxScale: number;
  /** The Service kept whole when detail must go (its traffic runs, or it was applied last). */
  focus?: string | undefined;
  /** Services the user unfolded by a click. */
  unfolded?: ReadonlySet<string>;
  measure?: Measure;
}

export const TOP = 36;
const MARGIN = 10;
const MAX_EXTRA_GAP = 220;

/** Lays the model out at the most detail that fits the canvas at `minScale`, then fills it. */
export function layoutGraph(model: GraphModel, opts: LayoutOptions): GraphLayout {
  const measure = opts.measure ?? estimateWidth;
  const width = Math.max(200, opts.width);
  const height = Math.max(150, opts.height);
  let chosen: ReturnType<typeof arrange> | undefined;
  let fitK = 0;
  for (const detail of DETAILS) {
    const a = arrange(model, detail, { ...opts, measure, width, height });
    const k = Math.min(width / a.width, height / a.height);
    chosen = a;
    fitK = k;
    if (k >= opts.minScale) break;
  }
  const a = chosen!;
  const scale = Math.min(opts.maxScale, Math.max(opts.minScale, fitK));
  return spread(a, width / scale, height / scale, scale);
}

/**
 * Whether the model fits the canvas at a readable scale with the focus still whole: at most
 * `folded` detail (merging the focus' own NodePorts is for a Service shown alone).
 */
export function fitsReadably(model: GraphModel, opts: LayoutOptions): boolean {
  const measure = opts.measure ?? estimateWidth;
  return DETAILS.filter((d) => !d.merge).some((detail) => {
    const a = arrange(model, detail, { ...opts, measure });
    return Math.min(opts.width / a.width, opts.height / a.height) >= opts.minScale;
  });
}

const DETAILS: Detail[] = [
  { name: 'full', compactPods: false, fold: false, merge: false, inlineClusterIP: false },
  { name: 'compact', compactPods: true, fold: false, merge: false, inlineClusterIP: false },
  { name: 'folded', compactPods: true, fold: true, merge: false, inlineClusterIP: false },
  { name: 'merged', compactPods: true, fold: true, merge: true, inlineClusterIP: false },
  { name: 'inline', compactPods: true, fold: true, merge: true, inlineClusterIP: true },
];

type Arranged = ReturnType<typeof arrange>;

/** Moves the lanes apart and centres each lane, so the drawing covers the canvas. */
function spread(a: Arranged, worldW: number, worldH: number, scale: number): GraphLayout {
  const extraW = Math.max(0, worldW - a.width);
  const gapExtra = Math.min(MAX_EXTRA_GAP, extraW / 3);
  const left = Math.max(0, (extraW - 3 * gapExtra) / 2);
  const lanes = {
    clients: a.lanes.clients + left,
    frontends: a.lanes.frontends + left + gapExtra,
    services: a.lanes.services + left + 2 * gapExtra,
    nodes: a.lanes.nodes + left + 3 * gapExtra,
  };
  const h = Math.max(a.height, worldH);
  // Each lane centred on the canvas; when the pods run past its bottom (at the readable
  // minimum), the clients, frontends and Services are centred on what shows, not on the whole:
  // the Service in focus stays on screen, its lines running down to the pods below.
  const seen = Math.min(h, worldH);
  const dy = (laneH: number, over = h) => Math.max(0, (over - MARGIN - laneH) / 2 - TOP / 2);
  const move = <T extends Box>(list: T[], dx: number, by: number): T[] =>
    list.map((b) => ({ ...b, x: b.x + dx, y: b.y + by }));
  const clients = move(a.clients, left, dy(a.extent.clients, seen));
  const middle = dy(a.extent.services, seen);
  const frontends = move(a.frontends, left + gapExtra, middle);
  const services = move(a.services, left + 2 * gapExtra, middle);
  const nodeDy = dy(a.extent.nodes);
  const nodes = move(a.nodes, left + 3 * gapExtra, nodeDy);
  const groups = move(a.groups, left + 3 * gapExtra, nodeDy);
  const pods = move(a.pods, left + 3 * gapExtra, nodeDy);
  const byId: GraphLayout['byId'] = {
    client: new Map(),
    frontend: new Map(),
    service: new Map(),
    pod: new Map(),
  };
  for (const c of clients) byId.client.set(c.item.id, c);
  for (const [id, to] of a.clientAlias)
    byId.client.set(
      id,
      clients.find((c) => c.item.id === to)!,
    );
  for (const f of frontends) byId.frontend.set(f.item.id, f);
  for (const [id, to] of a.frontendAlias) {
    const box = frontends.find((f) => f.item.id === to);
    if (box) byId.frontend.set(id, box);
  }
  for (const s of services) byId.service.set(s.item.id, s);
  for (const [id, svc] of a.frontendService) {
    const box = byId.service.get(svc);
    if (box) byId.frontend.set(id, box);
  }
  for (const p of pods) byId.pod.set(p.item.id, p);
  return {
    width: Math.max(a.width, worldW),
    height: h,
    scale,
    detail: a.detail,
    lanes,
    clients,
    frontends,
    services,
    nodes,
    groups,
    pods,
    byId,
    hops: a.hops,
  };
}

export { FONT };
