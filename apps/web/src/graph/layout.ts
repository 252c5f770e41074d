import type { GraphClient, GraphModel, GraphNode, GraphPod, GraphService } from './graphModel.ts';

// Positions of everything in the graph, left to right: clients -> Services -> nodes with pods.

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
  lanes: { clients: number; services: number; nodes: number };
  clients: Placed<GraphClient>[];
  services: Placed<GraphService>[];
  nodes: Placed<GraphNode>[];
  pods: Placed<GraphPod>[];
  byId: {
    client: Map<string, Box>;
    service: Map<string, Box>;
    pod: Map<string, Box>;
  };
}

const TOP = 44;
const CLIENT_W = 150;
const CLIENT_H = 34;
const CLIENT_GAP = 10;
const SERVICE_W = 240;
const SERVICE_GAP = 22;
const NODE_W_MIN = 280;
const NODE_HEADER = 32;
const NODE_PAD = 10;
const NODE_GAP = 16;
const POD_H = 74;
const POD_GAP = 8;

function serviceHeight(s: GraphService): number {
  return 58 + 20 * Math.max(1, s.ports.length);
}

function stack<T>(items: T[], x: number, w: number, h: (t: T) => number, gap: number, top: number) {
  let y = top;
  return items.map((item) => {
    const placed = { item, x, y, w, h: h(item) };
    y += placed.h + gap;
    return placed;
  });
}

function extent(boxes: Box[]): number {
  return boxes.reduce((m, b) => Math.max(m, b.y + b.h), 0);
}

/** Moves a lane down so it is centred on `height` (short lanes sit in the middle). */
function centre<T extends Box>(boxes: T[], height: number): T[] {
  const shift = Math.max(0, (height - (extent(boxes) - TOP)) / 2);
  return boxes.map((b) => ({ ...b, y: b.y + shift }));
}

export function layoutGraph(model: GraphModel, width: number): GraphLayout {
  const nodeW = Math.max(NODE_W_MIN, Math.min(380, width * 0.34));
  const nodesX = Math.max(CLIENT_W + SERVICE_W + 120, width - nodeW - 16);
  const clientsX = 16;
  const servicesX = Math.round(
    clientsX + CLIENT_W + (nodesX - clientsX - CLIENT_W - SERVICE_W) / 2,
  );

  const nodeHeight = (n: GraphNode) =>
    NODE_HEADER + NODE_PAD + Math.max(1, n.pods.length) * (POD_H + POD_GAP) - POD_GAP + NODE_PAD;
  const nodes = stack(model.nodes, nodesX, nodeW, nodeHeight, NODE_GAP, TOP);
  const contentHeight = Math.max(extent(nodes), TOP + 100) - TOP;

  const services = centre(
    stack(model.services, servicesX, SERVICE_W, serviceHeight, SERVICE_GAP, TOP),
    contentHeight,
  );
  const clients = centre(
    stack(model.clients, clientsX, CLIENT_W, () => CLIENT_H, CLIENT_GAP, TOP),
    contentHeight,
  );

  const pods: Placed<GraphPod>[] = [];
  for (const n of nodes) {
    n.item.pods.forEach((item, i) => {
      pods.push({
        item,
        x: n.x + NODE_PAD,
        y: n.y + NODE_HEADER + NODE_PAD + i * (POD_H + POD_GAP),
        w: n.w - 2 * NODE_PAD,
        h: POD_H,
      });
    });
  }

  const height = Math.max(extent(nodes), extent(services), extent(clients)) + 16;
  const ids = <T extends { id: string }>(list: Placed<T>[]) =>
    new Map<string, Box>(list.map((p) => [p.item.id, p]));
  return {
    width: Math.max(width, nodesX + nodeW + 16),
    height,
    lanes: { clients: clientsX, services: servicesX, nodes: nodesX },
    clients,
    services,
    nodes,
    pods,
    byId: { client: ids(clients), service: ids(services), pod: ids(pods) },
  };
}
