import { existsSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/** A Docker Engine API error, with the engine's own message (`No such image: nginx:latest`). */
export class DockerApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Where the engine listens: `DOCKER_HOST=unix:///path` when set, else /var/run/docker.sock when it
 * exists. Only unix sockets: l4lab never talks to a remote engine (its pods must share the host's
 * loopback addresses).
 */
export function dockerSocketPath(
  env: NodeJS.ProcessEnv = process.env,
): { path: string } | { error: string } {
  const host = env.DOCKER_HOST;
  if (host) {
    if (!host.startsWith('unix://'))
      return { error: `DOCKER_HOST=${host}: only unix:// sockets are supported` };
    return { path: host.slice('unix://'.length) };
  }
  if (existsSync('/var/run/docker.sock')) return { path: '/var/run/docker.sock' };
  return { error: 'no DOCKER_HOST and no /var/run/docker.sock' };
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
  Labels: Record<string, string>;
}

/** The few Docker Engine API calls l4lab needs, over the unix socket with plain node:http. */
export class DockerEngine {
  readonly socketPath: string;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  #send(
    method: string,
    path: string,
    body?: unknown,
    opts: { stream?: Readable; contentType?: string; timeoutMs?: number } = {},
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const json = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: this.socketPath,
          agent: false, // no pooled socket keeps the server (or a test) alive
          method,
          path,
          headers: {
            ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...(opts.contentType ? { 'Content-Type': opts.contentType } : {}),
          },
          ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
        },
        resolve,
      );
      req.once('error', reject);
      req.once('timeout', () =>
        req.destroy(new Error(`docker ${method} ${path}: no answer from ${this.socketPath}`)),
      );
      if (opts.stream) opts.stream.pipe(req);
      else req.end(json);
    });
  }

  async #call<T>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    const res = await this.#send(method, path, body, { timeoutMs });
    const text = await readAll(res);
    if ((res.statusCode ?? 500) >= 400) throw apiError(res.statusCode ?? 500, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** True when an engine answers `GET /_ping` within timeoutMs. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    try {
      const res = await this.#send('GET', '/_ping', undefined, { timeoutMs });
      const text = await readAll(res);
      return res.statusCode === 200 && text === 'OK';
    } catch {
      return false;
    }
  }

  async version(): Promise<{ Version: string; ApiVersion: string }> {
    return this.#call('GET', '/version');
  }

  /** True when the image exists locally (`nginx` means `nginx:latest`, as docker reads it). */
  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.#call('GET', `/images/${encodeURIComponent(normalizeImage(ref))}/json`);
      return true;
    } catch (err) {
      if (err instanceof DockerApiError && err.status === 404) return false;
      throw err;
    }
  }

  async createContainer(name: string, spec: object): Promise<string> {
    const r = await this.#call<{ Id: string }>(
      'POST',
      `/containers/create?name=${encodeURIComponent(name)}`,
      spec,
    );
    return r.Id;
  }

  async startContainer(id: string): Promise<void> {
    await this.#call('POST', `/containers/${id}/start`);
  }

  /** Resolves when the container stops, with its exit code (a long-poll: no timeout). */
  async waitContainer(id: string): Promise<number> {
    const res = await this.#send('POST', `/containers/${id}/wait?condition=not-running`);
    const text = await readAll(res);
    if ((res.statusCode ?? 500) >= 400) throw apiError(res.statusCode ?? 500, text);
    return (JSON.parse(text) as { StatusCode: number }).StatusCode;
  }

  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    await this.#call('POST', `/containers/${id}/kill?signal=${signal}`);
  }

  /** The container's stop signal, then SIGKILL after `seconds`. */
  async stopContainer(id: string, seconds: number): Promise<void> {
    await this.#call(
      'POST',
      `/containers/${id}/stop?t=${seconds}`,
      undefined,
      (seconds + 30) * 1000,
    );
  }

  async removeContainer(id: string): Promise<void> {
    await this.#call('DELETE', `/containers/${id}?force=true&v=true`);
  }

  async listContainers(labels: string[]): Promise<ContainerSummary[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: labels }));
    return this.#call('GET', `/containers/json?all=true&filters=${filters}`);
  }

  /** The container's state and its image's ID (`sha256:...`). */
  async inspectContainer(
    id: string,
  ): Promise<{ Id: string; Image: string; State: { Pid: number; Running: boolean } }> {
    return this.#call('GET', `/containers/${id}/json`);
  }

  /** The last `tail` lines of stdout + stderr (the multiplexed stream, de-framed). */
  async logs(id: string, tail: number): Promise<string[]> {
    const res = await this.#send(
      'GET',
      `/containers/${id}/logs?stdout=true&stderr=true&tail=${tail}`,
    );
    const buf = await readAllBuffer(res);
    if ((res.statusCode ?? 500) >= 400) throw apiError(res.statusCode ?? 500, buf.toString());
    return demultiplex(buf).split('\n').filter(Boolean);
  }

  /** `docker import`: a rootfs tarball becomes `repo:tag`; progress lines go to onProgress. */
  async importImage(
    tar: Readable,
    repo: string,
    tag: string,
    changes: string[],
    onProgress: (line: string) => void,
  ): Promise<void> {
    const q = new URLSearchParams({ fromSrc: '-', repo, tag });
    for (const c of changes) q.append('changes', c);
    const res = await this.#send('POST', `/images/create?${q.toString()}`, undefined, {
      stream: tar,
      contentType: 'application/x-tar',
    });
    const text = await readAll(res);
    if ((res.statusCode ?? 500) >= 400) throw apiError(res.statusCode ?? 500, text);
    for (const line of text.split('\n').filter(Boolean)) {
      const msg = JSON.parse(line) as { status?: string; error?: string };
      if (msg.error) throw new DockerApiError(500, msg.error);
      if (msg.status) onProgress(msg.status);
    }
  }
}

/** `nginx` -> `nginx:latest`; references with a tag or digest stay as written. */
export function normalizeImage(ref: string): string {
  if (ref.includes('@')) return ref;
  const last = ref.split('/').pop() ?? ref;
  return last.includes(':') ? ref : `${ref}:latest`;
}

function apiError(status: number, text: string): DockerApiError {
  let message = text.trim();
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return new DockerApiError(status, message);
}

async function readAllBuffer(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function readAll(res: IncomingMessage): Promise<string> {
  return (await readAllBuffer(res)).toString('utf8');
}

/** Docker's log stream without a TTY: frames of [stream, 0, 0, 0, size (4 bytes BE)] + payload. */
export function demultiplex(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const kind = buf[i]!;
    if (kind > 2 || buf[i + 1] !== 0) return buf.toString('utf8'); // a TTY stream: raw
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
