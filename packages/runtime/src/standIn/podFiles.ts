/**
 * The files of a stand-in container, in memory: what its script writes (`touch /tmp/healthy`,
 * `echo ok > /tmp/ready`) and what its exec probes read (`cat /tmp/healthy`), over the files the
 * kubelet mounts (/etc/hosts, /etc/resolv.conf, the service account's namespace). A new
 * container starts with a new set, as a restarted container starts from its image again.
 */
export class PodFiles {
  readonly #files = new Map<string, string>();
  readonly #dirs = new Set(['/', '/tmp', '/etc', '/var', '/root', '/dev', '/proc', '/usr', '/bin']);
  /** At most this many bytes in all, so a looping `echo >> file` cannot take the server's memory. */
  static readonly MAX_BYTES = 1 << 20;
  #bytes = 0;

  constructor(pod: {
    name: string;
    ip: string;
    hostname?: string;
    files?: Readonly<Record<string, string>>;
  }) {
    // Without the kubelet's files (a runtime used on its own), the image's minimal ones.
    const hostname = pod.hostname ?? pod.name;
    this.write('/etc/hostname', `${hostname}\n`);
    this.write('/etc/hosts', `127.0.0.1\tlocalhost\n${pod.ip}\t${hostname}\n`);
    for (const [path, text] of Object.entries(pod.files ?? {})) this.write(path, text);
  }

  /** An absolute, clean path: `tmp//x/../y` from `/` is `/tmp/y`. */
  static resolve(path: string, cwd = '/'): string {
    const parts: string[] = [];
    for (const p of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
      if (p === '' || p === '.') continue;
      if (p === '..') parts.pop();
      else parts.push(p);
    }
    return `/${parts.join('/')}`;
  }

  read(path: string): string | undefined {
    if (path === '/dev/null') return '';
    return this.#files.get(path);
  }

  isFile(path: string): boolean {
    return path === '/dev/null' || this.#files.has(path);
  }

  isDir(path: string): boolean {
    return this.#dirs.has(path);
  }

  write(path: string, text: string, append = false): void {
    if (path === '/dev/null') return;
    const before = this.#files.get(path) ?? '';
    const next = append ? before + text : text;
    if (this.#bytes - before.length + next.length > PodFiles.MAX_BYTES) return;
    this.#bytes += next.length - before.length;
    this.#files.set(path, next);
    this.mkdir(path.slice(0, path.lastIndexOf('/')) || '/');
  }

  remove(path: string, recursive = false): boolean {
    const had = this.#files.has(path) || (recursive && this.#dirs.has(path));
    this.#bytes -= this.#files.get(path)?.length ?? 0;
    this.#files.delete(path);
    if (recursive) {
      for (const f of [...this.#files.keys()].filter((f) => f.startsWith(`${path}/`))) {
        this.#bytes -= this.#files.get(f)!.length;
        this.#files.delete(f);
      }
      for (const d of [...this.#dirs].filter((d) => d === path || d.startsWith(`${path}/`)))
        this.#dirs.delete(d);
    }
    return had;
  }

  mkdir(path: string): void {
    for (let p = path; p && p !== '/'; p = p.slice(0, p.lastIndexOf('/'))) this.#dirs.add(p);
  }

  /** The names directly under a directory, sorted. */
  list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const p of [...this.#files.keys(), ...this.#dirs]) {
      if (p.startsWith(prefix) && p !== dir) names.add(p.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort();
  }
}
