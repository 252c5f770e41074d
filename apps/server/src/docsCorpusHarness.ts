// The docs corpus test's harness (docsCorpus.integration.test.ts): reads a corpus file, applies it
// to a started lab in the case's own namespace, and checks what a cluster would show: objects
// through the Kubernetes API, pods' scheduling and states, logs, exec, DNS answers, and real
// TCP connections to a Service's frontends answered by the right pods. Integration tests only.
import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { ApplyErrorResponse, ApplyResponse, ConnectionEvent } from '@l4lab/protocol';
import type { TestLab } from './testLab.ts';

export const CORPUS_DIR = resolve(import.meta.dirname, '../test-data/docs-corpus');

/** A Kubernetes object as the API serves it (only what the checks read is typed). */
export interface KubeObj {
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown> & { nodeName?: string };
  status?: Record<string, unknown> & {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** One corpus case's view of the lab. */
export interface CorpusContext {
  t: TestLab;
  /** The namespace the case applies into (files naming one keep theirs). */
  ns: string;
  /** The `kubernetes` Service's address: the first of the service range. */
  kubernetesIP: string;
  /** kube-dns's address (`.10` of the service range). */
  dnsIP: string;
  /** First two octets of the service range, `127.Y.`: every ClusterIP starts so. */
  servicePrefix: string;
}

export function corpusContext(t: TestLab, ns: string): CorpusContext {
  const [a, b] = t.config.serviceCIDR.split('.');
  return {
    t,
    ns,
    kubernetesIP: `${a}.${b}.0.1`,
    dnsIP: `${a}.${b}.0.10`,
    servicePrefix: `${a}.${b}.`,
  };
}

/** A DNS-1123 label for a case: `c07-pod-nginx`. */
export function namespaceFor(index: number, file: string): string {
  const base = file
    .replace(/\.yaml$/, '')
    .split('/')
    .at(-1)!
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-');
  return `c${String(index).padStart(2, '0')}-${base}`.slice(0, 50).replace(/-+$/, '');
}

export function readCorpusFile(file: string): Promise<string> {
  return readFile(join(CORPUS_DIR, file), 'utf8');
}

/**
 * The text with `metadata.namespace: ns` added to each document that names none (Namespaces
 * excepted), as `kubectl apply -n ns -f file` would place them. The corpus files are block
 * YAML with `metadata:` at the start of a line, so this edits text and keeps every comment.
 */
export function intoNamespace(text: string, ns: string): string {
  return text
    .split(/^---$/m)
    .map((doc) => {
      if (/^kind: Namespace$/m.test(doc) || /^ {2}namespace:/m.test(doc)) return doc;
      return doc.replace(/^metadata:\n/m, `metadata:\n  namespace: ${ns}\n`);
    })
    .join('---');
}

export type ApplyAnswer =
  { status: 200; body: ApplyResponse } | { status: number; body: ApplyErrorResponse };

export async function applyText(t: TestLab, text: string): Promise<ApplyAnswer> {
  return (await t.api<ApplyResponse | ApplyErrorResponse>(
    'POST',
    '/api/apply',
    text,
  )) as ApplyAnswer;
}

/** kubectl's `deployment.apps/x created` for one apply result. */
export function kubectlLine(r: { kind: string; name: string; action: string }): string {
  const group: Record<string, string> = {
    Deployment: 'deployment.apps',
    ReplicaSet: 'replicaset.apps',
    DaemonSet: 'daemonset.apps',
    StatefulSet: 'statefulset.apps',
    Job: 'job.batch',
    EndpointSlice: 'endpointslice.discovery.k8s.io',
    NetworkPolicy: 'networkpolicy.networking.k8s.io',
  };
  return `${group[r.kind] ?? r.kind.toLowerCase()}/${r.name} ${r.action}`;
}

const API_PATHS: Record<string, { prefix: string; plural: string; clusterScoped?: boolean }> = {
  Pod: { prefix: '/api/v1', plural: 'pods' },
  Service: { prefix: '/api/v1', plural: 'services' },
  Endpoints: { prefix: '/api/v1', plural: 'endpoints' },
  ConfigMap: { prefix: '/api/v1', plural: 'configmaps' },
  Namespace: { prefix: '/api/v1', plural: 'namespaces', clusterScoped: true },
  Node: { prefix: '/api/v1', plural: 'nodes', clusterScoped: true },
  Deployment: { prefix: '/apis/apps/v1', plural: 'deployments' },
  ReplicaSet: { prefix: '/apis/apps/v1', plural: 'replicasets' },
  StatefulSet: { prefix: '/apis/apps/v1', plural: 'statefulsets' },
  Job: { prefix: '/apis/batch/v1', plural: 'jobs' },
  EndpointSlice: { prefix: '/apis/discovery.k8s.io/v1', plural: 'endpointslices' },
  NetworkPolicy: { prefix: '/apis/networking.k8s.io/v1', plural: 'networkpolicies' },
};

/** The Kubernetes API path of a kind (and object) in a namespace. */
export function apiPath(kind: string, ns: string, name?: string): string {
  const p = API_PATHS[kind];
  if (!p) throw new Error(`no API path for kind ${kind}`);
  const base = p.clusterScoped
    ? `${p.prefix}/${p.plural}`
    : `${p.prefix}/namespaces/${ns}/${p.plural}`;
  return name ? `${base}/${name}` : base;
}

/** GET of one object through the lab's Kubernetes API; undefined when it does not exist. */
export async function getObject(
  c: CorpusContext,
  kind: string,
  name: string,
  ns = c.ns,
): Promise<KubeObj | undefined> {
  const r = await c.t.api<KubeObj>('GET', apiPath(kind, ns, name));
  return r.status === 200 ? r.body : undefined;
}

export async function listObjects(
  c: CorpusContext,
  kind: string,
  labelSelector?: string,
  ns = c.ns,
): Promise<KubeObj[]> {
  const q = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
  const r = await c.t.api<{ items?: KubeObj[] }>('GET', `${apiPath(kind, ns)}${q}`);
  return r.body.items ?? [];
}

export function isReady(p: KubeObj): boolean {
  return !!p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
}

/** Ready pods of a label selector, not terminating, by name. */
export async function readyPods(c: CorpusContext, selector: string): Promise<KubeObj[]> {
  const pods = await listObjects(c, 'Pod', selector);
  return pods.filter((p) => isReady(p) && !p.metadata.deletionTimestamp);
}

/**
 * Runs `check` (which asserts) until it passes or `ms` go by, then throws its last failure:
 * states that a cluster reaches, asserted with the assertion's own diff when they do not come.
 */
export async function eventually<T>(ms: number, check: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The pod's log as `kubectl logs` prints it (the Kubernetes API's log subresource). */
export async function podLog(c: CorpusContext, pod: string): Promise<string> {
  const res = await fetch(`${c.t.lab.url}${apiPath('Pod', c.ns, pod)}/log`);
  return res.status === 200 ? res.text() : `(HTTP ${res.status}) ${await res.text()}`;
}

export async function execIn(
  c: CorpusContext,
  pod: string,
  command: string,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await c.t.api<{ stdout: string; stderr: string; exitCode: number }>(
    'POST',
    `/api/pods/${c.ns}/${pod}/exec`,
    JSON.stringify({ command }),
    'application/json',
  );
  return r.body;
}

/** A query to the lab's cluster DNS (kube-dns's address, port 53), as a pod's resolver asks. */
export async function dnsQuery(
  c: CorpusContext,
  name: string,
  type: 'A' | 'CNAME',
): Promise<string[]> {
  const { host, port } = c.t.target(c.dnsIP, 53);
  const resolver = new Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([`${host}:${port}`]);
  return type === 'A' ? resolver.resolve4(name) : resolver.resolveCname(name);
}

export interface Answer {
  pod: string;
  body: string;
}

/** One HTTP GET on a new connection: which pod answered (X-Pod-Name) and what it said. */
export function httpGet(
  host: string,
  port: number,
  opts: { localAddress?: string; timeoutMs?: number; path?: string } = {},
): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host,
        port,
        path: opts.path ?? '/',
        agent: false,
        timeout: opts.timeoutMs ?? 3000,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          done({
            pod: String(res.headers['x-pod-name']),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', fail);
    req.end();
  });
}

/** A redis client's PING on a new connection: what came back (`+PONG\r\n` from a redis). */
export function redisPing(host: string, port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((done, fail) => {
    const sock = connect({ host, port });
    let got = '';
    sock.setTimeout(timeoutMs, () =>
      sock.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    sock.on('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
    sock.on('data', (d: Buffer) => {
      got += d.toString('utf8');
      if (got.includes('\r\n')) {
        sock.end();
        done(got);
      }
    });
    sock.on('error', fail);
    sock.on('close', () => done(got));
  });
}

/** The endpoint pods kube-proxy chose for a Service's recent connections (its events). */
export async function endpointsUsed(c: CorpusContext, service: string): Promise<Set<string>> {
  const { body } = await c.t.api<{ items: ConnectionEvent[] }>(
    'GET',
    '/api/connections?limit=2000',
  );
  return new Set(
    body.items
      .filter(
        (e) =>
          e.service.namespace === c.ns && e.service.name === service && e.endpoint !== undefined,
      )
      .map((e) => e.endpoint!.pod),
  );
}

/** Node name -> InternalIP. */
export async function nodeIPs(c: CorpusContext): Promise<Map<string, string>> {
  const nodes = await listObjects(c, 'Node');
  const out = new Map<string, string>();
  for (const n of nodes) {
    const addrs = (n.status?.addresses ?? []) as { type: string; address: string }[];
    const ip = addrs.find((a) => a.type === 'InternalIP')?.address;
    if (ip) out.set(n.metadata.name, ip);
  }
  return out;
}

/** Asserts a refusal: the status and the first error's message, exactly or by pattern. */
export function expectRefusal(answer: ApplyAnswer, status: number, message: string | RegExp): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const first = (answer.body as ApplyErrorResponse).errors[0]?.message ?? '';
  if (typeof message === 'string') expect(first).toBe(message);
  else expect(first).toMatch(message);
}
