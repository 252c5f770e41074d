// The soak drives the lab only through its HTTP API, as a workshop script would.

export interface LabClient {
  url: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** A GET that must answer 200. */
  get<T>(path: string): Promise<T>;
}

export function labClient(url: string): LabClient {
  const call = async (method: string, path: string, body?: unknown) => {
    const text = typeof body === 'string';
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            body: text ? body : JSON.stringify(body),
            headers: { 'Content-Type': text ? 'application/yaml' : 'application/json' },
          }),
      signal: AbortSignal.timeout(30_000),
    });
    const raw = await res.text();
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed };
  };
  return {
    url,
    call,
    async get<T>(path: string) {
      const r = await call('GET', path);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as T;
    },
  };
}
