// The dashboard's kubectl console writes through the Kubernetes API of the server it came from
// (`kubectl scale` is a PATCH of the scale subresource, `kubectl delete` a DELETE, `kubectl create
// ns` a POST). In remote mode those requests go on to the remote API server with the kubeconfig's
// credentials, as `kubectl proxy` forwards them, and its answers (Status errors included) come back
// unchanged. Only this dashboard may use it: same origin, and the access token beyond loopback.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import { isSameOrigin } from '../origin.ts';
import type { KubeClient } from './kubeClient.ts';

/** The Kubernetes API's paths (the dashboard's own calls are `/api/<word>`, never `/api/v1`). */
export function isKubernetesApiPath(url: string | undefined): boolean {
  return (
    /^\/(api|apis|version|openapi)(\/|\?|$)/.test(url ?? '') && !/^\/api\/(?!v\d)/.test(url ?? '')
  );
}

/** Request headers passed on (never the browser's cookies or its Authorization). */
const PASSED = ['accept', 'content-type', 'content-length'];
/** Answer headers passed back. */
const RETURNED = ['content-type', 'warning', 'audit-id'];

export function kubeApiProxy(
  client: KubeClient,
  logger: Logger,
  allows: (req: IncomingMessage) => boolean,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function proxyToApiServer(req, res) {
    if (!allows(req) || !isSameOrigin(req.headers.origin, req.headers.host)) {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(forbidden()));
      return;
    }
    const headers: Record<string, string> = {};
    for (const h of PASSED) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    client
      .open(req.method ?? 'GET', req.url ?? '/', headers, function relayAnswer(upstream) {
        const out: Record<string, string | string[]> = {};
        for (const h of RETURNED) {
          const v = upstream.headers[h];
          if (v !== undefined) out[h] = v;
        }
        res.writeHead(upstream.statusCode ?? 502, out);
        upstream.on('error', () => res.destroy());
        upstream.pipe(res);
      })
      .then(
        (upstreamReq) => {
          upstreamReq.on('error', (err) => {
            logger.warn(
              { err: String(err), path: req.url },
              'the remote API server did not answer',
            );
            if (res.headersSent) return void res.destroy();
            res.writeHead(503, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify(unreachable(err)));
          });
          req.on('error', () => upstreamReq.destroy());
          res.on('close', () => {
            if (!res.writableFinished) upstreamReq.destroy();
          });
          req.pipe(upstreamReq);
        },
        (err: unknown) => {
          res.writeHead(503, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(unreachable(err)));
        },
      );
  };
}

function forbidden() {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: "forbidden: only this l4lab dashboard may use the remote cluster's API through it",
    reason: 'Forbidden',
    code: 403,
  };
}

function unreachable(err: unknown) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Unable to connect to the server: ${err instanceof Error ? err.message : String(err)}`,
    reason: 'ServiceUnavailable',
    code: 503,
  };
}
