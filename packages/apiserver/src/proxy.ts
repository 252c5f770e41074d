// The API server's proxy subresources: `pods/NAME[:PORT]/proxy/PATH` and
// `services/NAME[:PORT]/proxy/PATH` (`kubectl proxy`, then `curl localhost:8001/api/v1/...`, and
// `kubectl get --raw`). As kube-apiserver does, the request goes straight to a pod's IP: a Service's
// is one of its ready endpoints, picked at random, never its ClusterIP, so kube-proxy never sees
// it. The body is streamed both ways; the user's credentials stay here.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';
import { endpointsFor, type ObjectStore } from '@l4lab/cluster';
import type { Pod } from '@l4lab/protocol';
import { failure, notFound, type Status } from './status.ts';

/** A TCP connection to an address as the API server dials it; rejects with Go's words. */
export type AddressDialer = (ip: string, port: number) => Promise<Duplex>;

/** `/api/v1/namespaces/NS/pods|services/ID/proxy[/PATH]` -> its parts; the path stays raw. */
const PROXY = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services)\/([^/]+)\/proxy(\/.*)?$/;

export interface ProxyTarget {
  namespace: string;
  resource: 'pods' | 'services';
  /** `name`, `name:port` or `scheme:name:port`. */
  id: string;
  /** The path after `/proxy` ('' when the request ended there), with its query. */
  path: string;
  query: string;
}

/** The proxy request a URL asks for, or undefined when it is not one. */
export function proxyTarget(url: string): ProxyTarget | undefined {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const m = PROXY.exec(rawPath);
  if (!m) return undefined;
  return {
    namespace: decodeURIComponent(m[1]!),
    resource: m[2] as 'pods' | 'services',
    id: decodeURIComponent(m[3]!),
    path: m[4] ?? '',
    query: q < 0 ? '' : url.slice(q),
  };
}

/** The authorizer's verb for a proxied request (RBAC's: GET is `get`, POST `create`...). */
export function proxyVerb(method: string): string {
  const verbs: Record<string, string> = {
    GET: 'get',
    HEAD: 'get',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  return verbs[method] ?? method.toLowerCase();
}

/** Go's utilnet.SplitSchemeNamePort: `name`, `name:port`, `scheme:name:port` (http, https). */
export function splitSchemeNamePort(
  id: string,
): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  const [scheme, name, port] =
    parts.length === 1
      ? ['', parts[0]!, '']
      : parts.length === 2
        ? ['', parts[0]!, parts[1]!]
        : parts.length === 3
          ? [parts[0]!, parts[1]!, parts[2]!]
          : ['', '', ''];
  if (!name || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme, name, port };
}

interface Location {
  scheme: 'http' | 'https';
  ip: string;
  port: number;
}

const unavailable = (message: string) => failure(503, 'ServiceUnavailable', message);

/** Where a pod proxy request goes: the pod's IP, the port asked or its first container port. */
function podLocation(store: ObjectStore, t: ProxyTarget): Location | Status {
  const id = splitSchemeNamePort(t.id);
  if (!id) return failure(400, 'BadRequest', `invalid pod request "${t.id}"`);
  const pod = store.get('Pod', t.namespace, id.name);
  if (!pod) return notFound('pods', id.name, 'pods');
  const ip = pod.status?.podIP;
  if (!ip) return failure(400, 'BadRequest', 'address not allowed');
  const first = pod.spec.containers.find((c) => c.ports?.length)?.ports?.[0]?.containerPort;
  const port = id.port === '' ? (first ?? defaultPort(id.scheme)) : podPort(pod, id.port);
  if (port === undefined)
    return unavailable(
      `error trying to reach service: dial tcp: lookup tcp/${id.port}: unknown port`,
    );
  return { scheme: id.scheme === 'https' ? 'https' : 'http', ip, port };
}

const defaultPort = (scheme: string) => (scheme === 'https' ? 443 : 80);

/** A pod port by number, or by the name one of its containers gives it. */
function podPort(pod: Pod, port: string): number | undefined {
  if (/^\d+$/.test(port)) return Number(port);
  return pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === port)
    ?.containerPort;
}

/**
 * Where a Service proxy request goes, as kube-apiserver picks it: the Service port named (or
 * numbered) -> a random ready address of its Endpoints with that port, one that is a pod's IP.
 */
function serviceLocation(
  store: ObjectStore,
  t: ProxyTarget,
  random: () => number,
): Location | Status {
  const id = splitSchemeNamePort(t.id);
  if (!id) return failure(400, 'BadRequest', `invalid service request "${t.id}"`);
  let portName = id.port;
  if (/^\d+$/.test(id.port)) {
    const svc = store.get('Service', t.namespace, id.name);
    if (!svc) return notFound('services', id.name, 'services');
    const declared = svc.spec.ports?.find((p) => p.port === Number(id.port));
    if (!declared) return unavailable(`no service port ${id.port} found for service "${id.name}"`);
    portName = declared.name ?? '';
  }
  const eps = endpointsFor(store, t.namespace, id.name);
  if (!eps) return notFound('endpoints', id.name, 'endpoints');
  const subsets = eps.subsets ?? [];
  if (subsets.length === 0) return unavailable(`no endpoints available for service "${id.name}"`);
  const start = Math.floor(random() * subsets.length);
  for (let s = 0; s < subsets.length; s++) {
    const subset = subsets[(start + s) % subsets.length]!;
    const addresses = subset.addresses ?? [];
    const port = (subset.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (addresses.length === 0 || !port) continue;
    const first = Math.floor(random() * addresses.length);
    for (let a = 0; a < addresses.length; a++) {
      const addr = addresses[(first + a) % addresses.length]!;
      // Only a pod's own IP (its targetRef's): hand-written Endpoints lead nowhere else.
      const ref = addr.targetRef;
      if (ref?.kind !== 'Pod' || !ref.name || (ref.namespace ?? t.namespace) !== t.namespace)
        continue;
      const pod = store.get('Pod', t.namespace, ref.name);
      if (pod?.status?.podIP !== addr.ip) continue;
      return { scheme: id.scheme === 'https' ? 'https' : 'http', ip: addr.ip, port: port.port };
    }
  }
  return unavailable(`no endpoints available for service "${t.id}"`);
}

/** Hop-by-hop headers (RFC 9110 7.6.1): never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** What the pod is sent: the request's headers but hop-by-hop ones and the user's credentials. */
function forwardedHeaders(req: Request, credentials: string[]): Record<string, string | string[]> {
  const listed = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    // The authentication filter drops the token once it has used it: the pod never sees it.
    if (name === 'authorization') continue;
    if (name === 'cookie') {
      const kept = String(value)
        .split(';')
        .map((c) => c.trim())
        .filter((c) => c && !credentials.some((n) => c.startsWith(`${n}=`)));
      if (kept.length) out.cookie = kept.join('; ');
      continue;
    }
    out[name] = value;
  }
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${client}` : client;
  return out;
}

/** The pod's answer's headers, without hop-by-hop ones and CORS (the API server removes it). */
function answeredHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (/^access-control-allow-(credentials|headers|methods|origin)$/.test(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface ProxyDeps {
  store: ObjectStore;
  dial: AddressDialer;
  /** Cookie names that carry the user's credentials (never sent on). */
  credentialCookies?: string[];
  /** For the endpoint's pick (tests pin it). */
  random?: () => number;
}

/** Serves one proxy request (already authorized). */
export async function serveProxy(
  deps: ProxyDeps,
  t: ProxyTarget,
  req: Request,
  res: Response,
  send: (res: Response, s: Status) => void,
): Promise<void> {
  const random = deps.random ?? Math.random;
  const at =
    t.resource === 'pods' ? podLocation(deps.store, t) : serviceLocation(deps.store, t, random);
  if ('kind' in at) return send(res, at);
  // `.../proxy` itself: kube-apiserver redirects to `.../proxy/` (kubernetes#4958).
  if (t.path === '') {
    res.setHeader('Location', `${req.originalUrl.split('?')[0]}/${t.query}`);
    return void res.status(301).end();
  }
  let socket: Duplex;
  try {
    const raw = await deps.dial(at.ip, at.port);
    socket = at.scheme === 'https' ? await tlsOver(raw) : raw;
  } catch (err) {
    req.resume();
    return send(res, unavailable(`error trying to reach service: ${errorText(err)}`));
  }
  const upstream = httpRequest({
    method: req.method,
    path: `${t.path}${t.query}`,
    headers: forwardedHeaders(req, deps.credentialCookies ?? []),
    // No agent: this one connection, already open to the pod.
    createConnection: () => socket,
  });
  upstream.on('response', (answer: IncomingMessage) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answeredHeaders(answer.headers));
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => {
    socket.destroy();
    if (res.headersSent) return void res.destroy();
    send(res, unavailable(`error trying to reach service: ${errorText(err)}`));
  });
  // The client went away: so does the request to the pod.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/** TLS over a dialed connection, as the API server's proxy transport (it does not verify). */
function tlsOver(raw: Duplex): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket: raw, rejectUnauthorized: false });
    tls.once('secureConnect', () => {
      tls.removeAllListeners('error');
      resolve(tls);
    });
    tls.once('error', (err) => {
      raw.destroy();
      reject(err);
    });
  });
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ECONNRESET') return 'read: connection reset by peer';
  if (e.message === 'socket hang up') return 'EOF';
  return e instanceof Error ? e.message : String(err);
}
