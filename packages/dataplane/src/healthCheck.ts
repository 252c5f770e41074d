import { createServer, type Server } from 'node:http';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from './types.ts';

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
  srv.on('clientError', (_e, s) => s.destroy());
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host, port, exclusive: true }, () => {
      srv.off('error', reject);
      resolve(srv);
    });
  });
}
