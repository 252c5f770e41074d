import { createServer, type Server } from 'node:http';
import type { PortMapper } from '@l4lab/cluster';
import type { EndpointInfo, NodeInfo, ServicePortInfo, ServicePortName } from './types.ts';
import { listenExclusive } from './proxierHealth.ts';

/**
 * kube-proxy's service health server: on healthCheckNodePort of every node, 200 when the node has
 * local endpoints for the Service, else 503, with Kubernetes' JSON body. Cloud load balancers use
 * it to send externalTrafficPolicy Local traffic only to nodes with endpoints.
 */
export function healthCheckBody(svc: ServicePortInfo, local: number): string {
  return JSON.stringify({
    service: { namespace: svc.namespace, name: svc.service },
    localEndpoints: local,
    serviceProxyHealthy: true,
  });
}

export function localReadyCount(endpoints: readonly EndpointInfo[], node: string): number {
  return endpoints.filter((e) => e.nodeName === node && e.ready).length;
}

export function listenHealthCheck(
  host: string,
  port: number,
  node: NodeInfo,
  lookup: () => { svc: ServicePortInfo; endpoints: EndpointInfo[] } | undefined,
): Promise<Server> {
  const srv = createServer(function serveHealthCheck(_req, res) {
    const state = lookup();
    if (!state) {
      res.writeHead(503, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    const local = localReadyCount(state.endpoints, node.name);
    res.writeHead(local > 0 ? 200 : 503, {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
      'X-Load-Balancing-Endpoint-Weight': String(local),
    });
    res.end(healthCheckBody(state.svc, local));
  });
  return listenExclusive(srv, { host, port });
}

/** One health server per node per healthCheckNodePort, following the Services (kube-proxy's healthcheck package). */
export class HealthCheckServers {
  readonly #servers = new Map<string, Server>();
  /** The state as of the last sync: the servers answer from it, not from what they started with. */
  #services: ReadonlyMap<ServicePortName, ServicePortInfo> = new Map();
  #endpoints: ReadonlyMap<ServicePortName, EndpointInfo[]> = new Map();
  readonly #mapper: PortMapper;
  readonly #logger: { warn(obj: object, msg: string): void };

  constructor(mapper: PortMapper, logger: { warn(obj: object, msg: string): void }) {
    this.#mapper = mapper;
    this.#logger = logger;
  }

  async reconcile(
    services: ReadonlyMap<ServicePortName, ServicePortInfo>,
    endpoints: ReadonlyMap<ServicePortName, EndpointInfo[]>,
    nodes: readonly NodeInfo[],
  ): Promise<void> {
    this.#services = services;
    this.#endpoints = endpoints;
    const want = new Map<string, { node: NodeInfo; port: number }>();
    for (const svc of services.values()) {
      if (!svc.healthCheckNodePort) continue;
      for (const node of nodes)
        want.set(`${node.ip}:${svc.healthCheckNodePort}`, { node, port: svc.healthCheckNodePort });
    }
    for (const [key, srv] of this.#servers) {
      if (want.has(key)) continue;
      srv.close();
      this.#servers.delete(key);
      const [ip, port] = key.split(':');
      this.#mapper.delete(ip!, Number(port), 'TCP');
    }
    const mapped = this.#mapper.mode === 'mapped';
    for (const [key, w] of want) {
      if (this.#servers.has(key)) continue;
      const lookup = () => {
        const svc = [...this.#services.values()].find((s) => s.healthCheckNodePort === w.port);
        return svc ? { svc, endpoints: this.#endpoints.get(svc.name) ?? [] } : undefined;
      };
      try {
        const srv = await listenHealthCheck(
          mapped ? '127.0.0.1' : w.node.ip,
          mapped ? 0 : w.port,
          w.node,
          lookup,
        );
        this.#servers.set(key, srv);
        const a = srv.address();
        if (mapped && typeof a === 'object' && a) {
          this.#mapper.set({
            ip: w.node.ip,
            port: w.port,
            protocol: 'TCP',
            hostIp: '127.0.0.1',
            hostPort: a.port,
          });
        }
      } catch (err) {
        this.#logger.warn(
          { healthCheck: key, err: String(err) },
          'cannot listen on healthCheckNodePort',
        );
      }
    }
  }

  closeAll(): Promise<void> {
    const all = [...this.#servers.values()].map(
      (srv) => new Promise<void>((r) => srv.close(() => r())),
    );
    this.#servers.clear();
    return Promise.all(all).then(() => undefined);
  }
}
