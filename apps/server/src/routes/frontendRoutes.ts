import express, { type Router } from 'express';
import type { Cluster, PortMapper } from '@l4lab/cluster';
import type { FrontendSpec } from '@l4lab/dataplane';

/** Why a Service has no listener: kube-proxy does not program it, DNS answers for it. */
function noListenerNote(
  type: string | undefined,
  clusterIP: string | undefined,
): string | undefined {
  if (type === 'ExternalName') return 'ExternalName: DNS only (a CNAME), no listener';
  if (clusterIP === 'None') return 'headless: DNS only (one A record per ready pod), no listener';
  return undefined;
}

/** GET /api/frontends: what kube-proxy listens on, per Service, and the Services it does not proxy. */
export function frontendRoutes(
  cluster: Cluster,
  proxier: { frontends(): FrontendSpec[] },
  mapper: PortMapper,
): Router {
  const r = express.Router();
  r.get('/frontends', function listFrontends(_req, res) {
    const items = proxier.frontends().map((f) => {
      const [service, port] = [
        f.spn.slice(0, f.spn.lastIndexOf(':')),
        f.spn.slice(f.spn.lastIndexOf(':') + 1),
      ];
      const host = mapper.resolve(f.ip, f.port, f.protocol);
      return {
        service,
        servicePort: port,
        kind: f.kind,
        protocol: f.protocol,
        ip: f.ip,
        port: f.port,
        ...(f.node ? { node: f.node } : {}),
        ...(host.ip !== f.ip || host.port !== f.port
          ? { hostIP: host.ip, hostPort: host.port }
          : {}),
      };
    });
    const notes = [];
    for (const svc of cluster.list('Service')) {
      const name = `${svc.metadata.namespace}/${svc.metadata.name}`;
      const note = noListenerNote(svc.spec.type, svc.spec.clusterIP);
      if (note) notes.push({ service: name, note });
      for (const p of svc.spec.ports ?? []) {
        if (p.protocol === 'SCTP')
          notes.push({
            service: name,
            note: `port ${p.port}/SCTP: not proxied (Node.js has no SCTP sockets)`,
          });
      }
    }
    res.json({ items, notes });
  });
  return r;
}
