// The console's client of the lab's Kubernetes API, the one the real kubectl drives (`/api/v1/...`,
// `/apis/apps/v1/...`): resource types mapped to their paths, requests, and the API's Status
// errors worded as kubectl words them. Same origin: the dashboard's credentials (the token cookie,
// when the lab listens beyond loopback) go with every call, as they do with its own /api calls.
import {
  CLUSTER_SCOPED,
  RESOURCE_TYPES,
  resourceTypeOf,
  type KubeKind,
  type ResourceType,
} from '@l4lab/protocol';

/** A resource type as the API serves it: where its objects live and what kubectl calls them. */
export interface ApiType {
  /** `''` for the core group. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
}

const EVENTS: ApiType = {
  group: '',
  version: 'v1',
  plural: 'events',
  singular: 'event',
  kind: 'Event',
  namespaced: true,
};

function apiTypeOf(t: ResourceType): ApiType {
  return {
    group: t.group,
    version: 'v1', // every group l4lab serves is at v1 (core, apps, discovery.k8s.io)
    plural: t.plural,
    singular: t.singular,
    kind: t.kind,
    namespaced: !CLUSTER_SCOPED.has(t.kind as KubeKind),
  };
}

/** The type a user means by `po`, `svc`, `deployments.apps`, `ev`; undefined if none is served. */
export function apiTypeNamed(name: string): ApiType | undefined {
  const t = resourceTypeOf(name);
  if (t) return apiTypeOf(t);
  return ['events', 'event', 'ev'].includes(name.toLowerCase()) ? EVENTS : undefined;
}

/** The type a manifest's `apiVersion` and `kind` name (kubectl's REST mapping). */
export function apiTypeOfManifest(apiVersion: string, kind: string): ApiType | undefined {
  const t = RESOURCE_TYPES.find(
    (r) => r.kind === kind && groupVersion(r.group, 'v1') === apiVersion,
  );
  return t ? apiTypeOf(t) : undefined;
}

export const groupVersion = (group: string, version: string) =>
  group ? `${group}/${version}` : version;

/** `deployment.apps`, `pod`: the word of `created` / `deleted` and the `<type>/<name>` prefix. */
export const qualified = (t: ApiType) => (t.group ? `${t.singular}.${t.group}` : t.singular);

/** `/apis/apps/v1/namespaces/web/deployments/x/scale` */
export function apiPath(
  t: ApiType,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): string {
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.namespaced && namespace !== undefined ? `/namespaces/${enc(namespace)}` : '';
  const one = name === undefined ? '' : `/${enc(name)}${subresource ? `/${subresource}` : ''}`;
  return `${base}${ns}/${t.plural}${one}`;
}

const enc = encodeURIComponent;

/** metav1.Status, as the API answers anything but success. */
export interface Status {
  message: string;
  reason?: string;
  /** 0: the server could not be reached. */
  code: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

export type ApiAnswer =
  | { ok: true; code: number; body: unknown; text: string; warnings: string[] }
  | { ok: false; status: Status };

/** kubectl's Accept for `get`: server-side printed Tables, JSON otherwise. */
export const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export interface ApiRequest {
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

/** One call to the Kubernetes API; only a cancelled request throws. */
export async function kubeRequest(
  method: string,
  path: string,
  r: ApiRequest = {},
): Promise<ApiAnswer> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Accept: r.accept ?? 'application/json',
        ...(r.body === undefined ? {} : { 'Content-Type': r.contentType ?? 'application/json' }),
      },
      ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
      ...(r.signal ? { signal: r.signal } : {}),
    });
  } catch (e) {
    if (r.signal?.aborted) throw e;
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      status: { code: 0, message: `Unable to connect to the server: ${message}` },
    };
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's page): the code says what happened.
  }
  if (res.ok) return { ok: true, code: res.status, body, text, warnings: warningsOf(res.headers) };
  return { ok: false, status: statusOf(res.status, body) };
}

/** `Warning: 299 - "..."` headers (unknown fields and the like), as kubectl prints them. */
function warningsOf(headers: Headers): string[] {
  const all = headers.get('warning') ?? '';
  return [...all.matchAll(/\d{3} \S+ ("(?:[^"\\]|\\.)*")/g)].map((m) => {
    try {
      return String(JSON.parse(m[1]!));
    } catch {
      return m[1]!.slice(1, -1);
    }
  });
}

/** The Status in a failed answer, or the one kubectl makes up for a body that is none. */
function statusOf(code: number, body: unknown): Status {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Partial<Status>;
  if (typeof b.message === 'string') {
    return {
      code,
      message: b.message,
      ...(typeof b.reason === 'string' ? { reason: b.reason } : {}),
      ...(typeof b.details === 'object' && b.details !== null ? { details: b.details } : {}),
    };
  }
  const reasons: Record<number, [string, string]> = {
    401: ['Unauthorized', 'Unauthorized'],
    403: ['Forbidden', 'forbidden'],
    404: ['NotFound', 'the server could not find the requested resource'],
  };
  const [reason, message] = reasons[code] ?? [
    'InternalError',
    `an error on the server ("${String(body ?? '').slice(0, 200)}") has prevented the request from succeeding`,
  ];
  return { code, reason, message };
}

/** kubectl's line for a failed call (`StandardErrorMessage`): `Error from server (NotFound): ...`. */
export function serverError(s: Status): string {
  if (s.code === 0) return `${s.message}\n`;
  if (s.reason === 'Unauthorized')
    return `error: You must be logged in to the server (${s.message})\n`;
  return s.reason
    ? `Error from server (${s.reason}): ${s.message}\n`
    : `Error from server: ${s.message}\n`;
}

/**
 * What kubectl prints for a command's one error (`cmdutil.CheckErr`): an Invalid object as `The
 * Service "x" is invalid: <field>: <message>` (one cause per line when there are several), any
 * other Status as `Error from server (<reason>): ...`.
 */
export function commandError(s: Status): string {
  const d = s.details;
  if (s.reason !== 'Invalid' || !d) return serverError(s);
  const head =
    d.kind || d.name
      ? `The ${d.kind ?? ''} "${d.name ?? ''}" is invalid`
      : 'The request is invalid';
  const causes = [
    ...new Set(
      (d.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? ''))),
    ),
  ];
  if (causes.length === 0) return `${head}\n`;
  if (causes.length === 1) return `${head}: ${causes[0]}\n`;
  return `${head}: \n${causes.map((c) => `* ${c}\n`).join('')}`;
}

/** kubectl's `AddSourceToErr`: the file a failed write came from, in the Status' message. */
export function fromSource(s: Status, verb: string, source: string): Status {
  return { ...s, message: `error when ${verb} "${source}": ${s.message}` };
}
