// A fake of the lab's Kubernetes API for the console's unit tests: a `fetch` over an in-memory
// store that answers as the API does (Tables for kubectl's Accept, Status errors with Kubernetes'
// words, resourceVersion kept by a write that changes nothing), and records every call.
// Addresses: pods 127.244.0.x, services 127.96.0.x (the lab's defaults; nothing is dialled).

type Obj = Record<string, unknown> & {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
};

export interface FakeCall {
  method: string;
  url: string;
  body: unknown;
  contentType: string | undefined;
  accept: string | undefined;
}

interface Column {
  name: string;
  priority?: number;
  cell(o: Obj): unknown;
}

const TABLES: Record<string, Column[]> = {
  pods: [
    { name: 'Name', cell: (o) => o.metadata.name },
    { name: 'Ready', cell: () => '1/1' },
    { name: 'Status', cell: () => 'Running' },
    { name: 'Restarts', cell: () => '0' },
    { name: 'Age', cell: () => '10s' },
    { name: 'IP', priority: 1, cell: (o) => (o.status as { podIP?: string } | undefined)?.podIP },
    { name: 'Node', priority: 1, cell: (o) => o.spec?.nodeName },
  ],
  services: [
    { name: 'Name', cell: (o) => o.metadata.name },
    { name: 'Type', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', cell: (o) => o.spec?.clusterIP },
    { name: 'External-IP', cell: () => '<none>' },
    {
      name: 'Port(s)',
      cell: (o) =>
        ((o.spec?.ports ?? []) as { port: number }[]).map((p) => `${p.port}/TCP`).join(','),
    },
    { name: 'Age', cell: () => '5s' },
    { name: 'Selector', priority: 1, cell: () => 'run=my-nginx' },
  ],
};
const GENERIC: Column[] = [
  { name: 'Name', cell: (o) => o.metadata.name },
  { name: 'Age', cell: () => '1m' },
];

function status(code: number, reason: string, message: string, details?: object) {
  return Response.json(
    { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, details, code },
    { status: code },
  );
}

/** `/api/v1/namespaces/ns/pods/x/scale` -> its parts; `/api/v1/namespaces/x` is a namespace. */
function locate(path: string) {
  const parts = path.split('/').filter(Boolean);
  const group = parts[0] === 'api' ? '' : parts[1]!;
  const rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, plural, name, sub] = rest;
    return { group, plural: plural!, namespace, name, sub };
  }
  const [plural, name, sub] = rest;
  return { group, plural: plural!, namespace: undefined, name, sub };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The lab's validation of a Service's ports, with its words. */
function invalid(o: Obj): Response | undefined {
  const ports = (o.spec?.ports ?? []) as { port: number }[];
  const i = ports.findIndex((p) => p.port > 65535);
  if (o.kind !== 'Service' || i < 0) return undefined;
  const field = `spec.ports[${i}].port`;
  const message = `Invalid value: ${ports[i]!.port}: must be between 1 and 65535, inclusive`;
  return status(422, 'Invalid', `Service "${o.metadata.name}" is invalid: ${field}: ${message}`, {
    name: o.metadata.name,
    kind: 'Service',
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

export class FakeKubernetesApi {
  readonly calls: FakeCall[] = [];
  private readonly objects = new Map<string, Obj>();
  private rv = 100;
  private ips = 10;
  /** The dashboard's own calls (`/api/kubectl`, exec, `/api/tutorial`), answered by the test. */
  dashboard: (url: string, init?: RequestInit) => Response | undefined = () => undefined;
  /** The API server's proxy subresources (`.../services/x/proxy/...`): the pod's answer. */
  proxied: (url: string) => Response | undefined = () => undefined;

  constructor() {
    this.put('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'default' },
    });
  }

  /** Stores an object as the API would hold it (a resourceVersion, a ClusterIP for a Service). */
  put(plural: string, namespace: string | undefined, o: Obj): Obj {
    const meta = {
      ...o.metadata,
      ...(namespace ? { namespace } : {}),
      resourceVersion: String(++this.rv),
    };
    const stored: Obj = { ...o, metadata: meta };
    if (o.kind === 'Service' && !o.spec?.clusterIP)
      stored.spec = { ...o.spec, clusterIP: `127.96.0.${this.ips++}` };
    this.objects.set(`${plural}/${namespace ?? ''}/${o.metadata.name}`, stored);
    return stored;
  }

  get(plural: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.objects.get(`${plural}/${namespace ?? ''}/${name}`);
  }

  readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const url = decodeURIComponent(input);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const method = init.method ?? 'GET';
    this.calls.push({
      method,
      url,
      body,
      contentType: headers.get('content-type') ?? undefined,
      accept: headers.get('accept') ?? undefined,
    });
    if (!/^\/apis?\/(v1|apps\/v1)\//.test(url))
      return this.dashboard(url, init) ?? new Response('not found', { status: 404 });
    if (/\/proxy(\/|$)/.test(url.split('?')[0]!))
      return this.proxied(url) ?? status(503, 'ServiceUnavailable', 'no endpoints available');
    const type = headers.get('content-type') ?? '';
    return this.serve(method, url, body as Obj | undefined, headers.get('accept') ?? '', type);
  };

  private serve(
    method: string,
    url: string,
    body: Obj | undefined,
    accept: string,
    contentType = '',
  ): Response {
    const [path = '', query = ''] = url.split('?');
    const at = locate(path);
    const selector = new URLSearchParams(query).get('labelSelector');
    if (method === 'GET' && !at.name) {
      const items = [...this.objects.entries()]
        .filter(([k]) =>
          k.startsWith(at.namespace ? `${at.plural}/${at.namespace}/` : `${at.plural}/`),
        )
        .map(([, o]) => o)
        .filter(
          (o) =>
            !selector ||
            selector.split(',').every((s) => {
              const [k = '', v] = s.split('=');
              return o.metadata.labels?.[k] === v;
            }),
        );
      return Response.json(accept.includes('as=Table') ? this.table(at.plural, items) : { items });
    }
    const key = `${at.plural}/${at.namespace ?? ''}/${at.name ?? body?.metadata.name ?? ''}`;
    const current = this.objects.get(key);
    const what = `${at.plural}${at.group ? `.${at.group}` : ''}`;
    const notFound = () => status(404, 'NotFound', `${what} "${at.name}" not found`);
    // Server-side apply creates what is not there yet (the real one merges by field managers).
    const applyCreates = method === 'PATCH' && contentType.startsWith('application/apply-patch');
    if (method === 'POST' || (applyCreates && !current)) {
      if (at.namespace && !this.get('namespaces', undefined, at.namespace))
        return status(404, 'NotFound', `namespaces "${at.namespace}" not found`);
      if (current && method === 'POST')
        return status(409, 'AlreadyExists', `${what} "${body!.metadata.name}" already exists`);
      return (
        invalid(body!) ?? Response.json(this.put(at.plural, at.namespace, body!), { status: 201 })
      );
    }
    if (!current) return notFound();
    if (method === 'GET')
      return Response.json(
        accept.includes('as=Table') ? this.table(at.plural, [current]) : current,
      );
    if (method === 'DELETE') {
      this.objects.delete(key);
      return Response.json({ kind: 'Status', status: 'Success' });
    }
    if (at.sub === 'scale') {
      const replicas = (body as unknown as { spec: { replicas: number } }).spec.replicas;
      this.put(at.plural, at.namespace, { ...current, spec: { ...current.spec, replicas } });
      return Response.json({ kind: 'Scale', spec: { replicas } });
    }
    const { status: _s, ...user } = current;
    const next = mergePatch(user, body) as Obj;
    next.metadata = { ...next.metadata, name: current.metadata.name };
    if (current.spec?.clusterIP && !next.spec?.clusterIP)
      next.spec = { ...next.spec, clusterIP: current.spec.clusterIP }; // allocations stay
    const bad = invalid(next);
    if (bad) return bad;
    const same = (o: Obj) =>
      JSON.stringify([o.metadata.labels, o.spec, (o as { data?: unknown }).data]);
    if (same(next) === same(current)) return Response.json(current);
    return Response.json(this.put(at.plural, at.namespace, { ...current, ...next }));
  }

  private table(plural: string, items: Obj[]) {
    const columns = TABLES[plural] ?? GENERIC;
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      columnDefinitions: columns.map((c) => ({
        name: c.name,
        type: 'string',
        priority: c.priority ?? 0,
      })),
      rows: items.map((o) => ({
        cells: columns.map((c) => c.cell(o)),
        object: { metadata: o.metadata },
      })),
    };
  }
}
