// Requests to a remote cluster's API server with the kubeconfig's own credentials (client-node's
// KubeConfig: client certificates, bearer tokens, exec plugins, CA, proxy), answered as raw JSON:
// the wire form, so objects keep their metadata as the API server wrote it and a refusal is the
// API server's own Status.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeAnswer {
  status: number;
  /** The parsed JSON body, or the text when it is not JSON. */
  body: unknown;
  /** `Warning` headers (`299 - "text"`), their text. */
  warnings: string[];
}

export interface KubeRequestOptions {
  body?: string;
  contentType?: string;
  timeoutMs?: number;
}

/** What callers of the remote API need (the fake in unit tests implements it too). */
export interface KubeApi {
  request(method: string, path: string, options?: KubeRequestOptions): Promise<KubeAnswer>;
}

/** The largest answer read into memory (a LIST of a big cluster's pods is tens of MB). */
const MAX_BODY = 256 * 1024 * 1024;

export class KubeClient implements KubeApi {
  readonly #kc: KubeConfig;

  constructor(kc: KubeConfig) {
    this.#kc = kc;
  }

  /** The kubeconfig, its current context set (informers watch through it). */
  get kubeConfig(): KubeConfig {
    return this.#kc;
  }

  /** The current context's cluster's server URL. */
  get server(): string {
    return this.#kc.getCurrentCluster()?.server ?? '';
  }

  /**
   * Opens a request to `path` (with its query) on the API server; the caller writes the body and
   * reads the answer. `headers` are the caller's; the kubeconfig's authentication is added.
   */
  async open(
    method: string,
    path: string,
    headers: Record<string, string>,
    onResponse: (res: IncomingMessage) => void,
  ): Promise<ClientRequest> {
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    const options: RequestOptions = { method, headers: { ...headers } };
    await this.#kc.applyToHTTPSOptions(options);
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return send(url, options, onResponse);
  }

  async request(method: string, path: string, o: KubeRequestOptions = {}): Promise<KubeAnswer> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (o.body !== undefined) headers['Content-Type'] = o.contentType ?? 'application/json';
    return new Promise<KubeAnswer>((resolve, reject) => {
      this.open(method, path, headers, function onResponse(res) {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) res.destroy(new Error(`the answer to ${path} is over 256 MB`));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text (a proxy's HTML error page, ...)
          }
          resolve({ status: res.statusCode ?? 0, body, warnings: warningsOf(res) });
        });
      }).then((req) => {
        req.on('error', reject);
        req.setTimeout(o.timeoutMs ?? 30_000, () =>
          req.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })),
        );
        req.end(o.body);
      }, reject);
    });
  }
}

/** The texts of `Warning: 299 - "..."` headers, as kubectl prints them. */
function warningsOf(res: IncomingMessage): string[] {
  const raw = res.headers.warning;
  if (!raw) return [];
  const all = Array.isArray(raw) ? raw : [raw];
  return all.map((w) => {
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(w);
    return m ? m[1]!.replace(/\\(.)/g, '$1') : w;
  });
}

/** The Kubernetes Status in an answer, when it is one. */
export interface KubeStatus {
  kind: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

export function statusOf(body: unknown): KubeStatus | undefined {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status'
    ? (body as KubeStatus)
    : undefined;
}

/** The API server's message for a failed answer (its Status.message, else the HTTP status). */
export function failureMessage(answer: KubeAnswer): string {
  const status = statusOf(answer.body);
  if (status?.message) return status.message;
  const text = typeof answer.body === 'string' ? answer.body.trim().slice(0, 200) : '';
  return `the server responded with HTTP ${answer.status}${text ? `: ${text}` : ''}`;
}
