import type {
  GraphClient,
  GraphFrontend,
  GraphModel,
  GraphNode,
  GraphPod,
  GraphService,
} from './graphModel.ts';
import type { Lane } from './graphTraffic.ts';

// Positions of everything, left to right: clients -> frontends -> Services -> nodes with pods.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placed<T> extends Box {
  item: T;
}

export interface GraphLayout {
  width: number;
  height: number;
  lanes: { clients: number; frontends: number; services: number; nodes: number };
  clients: Placed<GraphClient>[];
  frontends: Placed<GraphFrontend>[];
  services: Placed<GraphService>[];
  nodes: Placed<GraphNode>[];
  pods: Placed<GraphPod>[];
  byId: Record<Lane, Map<string, Box>>;
}

const TOP = 48;
const LANE_GAP = 52;
const CLIENT_W = 140;
const CLIENT_H = 34;
const FRONT_W = 196;
const FRONT_H = 30;
const FRONT_GAP = 8;
const SERVICE_W = 244;
const GROUP_GAP = 26;
const POD_W = 220;
const POD_H = 70;
const POD_GAP = 8;
const NODE_HEADER = 36;
const NODE_PAD = 10;
const NODE_GAP = 18;

export function serviceHeight(s: GraphService): number {
  return 64 + 19 * (s.ports.length + s.notes.length) + (s.mode ? 19 : 0);
}

function extent(boxes: Box[]): number {
  return boxes.reduce((m, b) => Math.max(m, b.y + b.h), TOP);
}

function shiftDown<T extends Box>(boxes: T[], by: number): T[] {
  return by > 0 ? boxes.map((b) => ({ ...b, y: b.y + by })) : boxes;
}

function placeNodes(model: GraphModel, x: number, cols: number) {
  const nodeW = cols * POD_W + (cols - 1) * POD_GAP + 2 * NODE_PAD;
  const nodes: Placed<GraphNode>[] = [];
  const pods: Placed<GraphPod>[] = [];
  let y = TOP;
  for (const n of model.nodes) {
    const rows = Math.max(1, Math.ceil(n.pods.length / cols));
    const h = NODE_HEADER + NODE_PAD + rows * (POD_H + POD_GAP) - POD_GAP + NODE_PAD;
    nodes.push({ item: n, x, y, w: nodeW, h });
    n.pods.forEach((item, i) => {
      pods.push({
        item,
        x: x + NODE_PAD + (i % cols) * (POD_W + POD_GAP),
        y: y + NODE_HEADER + NODE_PAD + Math.floor(i / cols) * (POD_H + POD_GAP),
        w: POD_W,
        h: POD_H,
      });
    });
    y += h + NODE_GAP;
  }
  return { nodes, pods, nodeW };
}

function placeServices(model: GraphModel, fx: number, sx: number) {
  const frontends: Placed<GraphFrontend>[] = [];
  const services: Placed<GraphService>[] = [];
  let y = TOP;
  for (const s of model.services) {
    const own = model.frontends.filter((f) => f.service === s.id);
    const fh = own.length * (FRONT_H + FRONT_GAP) - FRONT_GAP;
    const sh = serviceHeight(s);
    const h = Math.max(sh, fh);
    services.push({ item: s, x: sx, y: y + (h - sh) / 2, w: SERVICE_W, h: sh });
    own.forEach((item, i) => {
      const fy = y + (h - fh) / 2 + i * (FRONT_H + FRONT_GAP);
      frontends.push({ item, x: fx, y: fy, w: FRONT_W, h: FRONT_H });
    });
    y += h + GROUP_GAP;
  }
  return { frontends, services };
}

/** Lays the model out, picking the pod columns per node that fit `width` x `height` best. */
export function layoutGraph(model: GraphModel, width: number, height: number): GraphLayout {
  const clientsX = 16;
  const frontX = clientsX + CLIENT_W + LANE_GAP;
  const serviceX = frontX + FRONT_W + LANE_GAP;
  const nodesX = serviceX + SERVICE_W + LANE_GAP;
  const { frontends, services } = placeServices(model, frontX, serviceX);
  const left = extent([...frontends, ...services]);
  let best: ReturnType<typeof placeNodes> | undefined;
  let bestK = -1;
  for (const cols of [1, 2, 3, 4]) {
    const placed = placeNodes(model, nodesX, cols);
    const w = nodesX + placed.nodeW + 16;
    const h = Math.max(left, extent(placed.nodes)) + 16;
    const k = Math.min(width / w, height / h);
    if (k > bestK + 0.02) {
      best = placed;
      bestK = k;
    }
    const most = Math.max(0, ...model.nodes.map((n) => n.pods.length));
    if (cols >= most) break;
  }
  const { nodes, pods, nodeW } = best ?? placeNodes(model, nodesX, 1);
  const content = Math.max(left, extent(nodes));
  let clients = model.clients.map((item, i) => ({
    item,
    x: clientsX,
    y: TOP + i * (CLIENT_H + 10),
    w: CLIENT_W,
    h: CLIENT_H,
  }));
  clients = shiftDown(clients, (content - extent(clients)) / 2);
  const shift = (content - left) / 2;
  const fr = shiftDown(frontends, shift);
  const sv = shiftDown(services, shift);
  const ids = <T extends { id: string }>(list: Placed<T>[]) =>
    new Map<string, Box>(list.map((p) => [p.item.id, p]));
  return {
    width: nodesX + nodeW + 16,
    height: Math.max(content, extent(clients)) + 16,
    lanes: { clients: clientsX, frontends: frontX, services: serviceX, nodes: nodesX },
    clients,
    frontends: fr,
    services: sv,
    nodes,
    pods,
    byId: { client: ids(clients), frontend: ids(fr), service: ids(sv), pod: ids(pods) },
  };
}
