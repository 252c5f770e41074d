// What an nginx container's own configuration asks of the pod: the `server` blocks of the files a
// volume mounts in /etc/nginx/conf.d (the docs' "Connecting Applications with Services" mounts a
// ConfigMap's default.conf there, `listen 443 ssl` with the certificate of a TLS Secret). nginx
// reads them at start; so does this, once, when the pod's nginx starts. The lab's nginx then
// listens on those ports, with TLS where they say `ssl`, and serves the pod's page as always.
// What real nginx would refuse (no certificate for an ssl port, a file it cannot load, a key that
// is not the certificate's, a syntax error) is refused with nginx's own words: the container
// exits 1 with that line in its log.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { Container } from '@l4lab/protocol';
import type { PodHandle, PodSandbox } from './types.ts';
import { isNginxImage } from './types.ts';

export const NGINX_CONF_D = '/etc/nginx/conf.d';

/** A TLS certificate chain and its key, PEM, as the container's files hold them. */
export interface NginxTls {
  cert: Buffer;
  key: Buffer;
  /** The paths the configuration names (`/etc/nginx/ssl/tls.crt`). */
  certPath: string;
  keyPath: string;
}

export interface NginxSiteListen {
  port: number;
  /** `listen ... ssl`: the certificate of the first server block with this port. */
  tls?: NginxTls;
}

export type NginxSite =
  /** No configuration mounted: the image's own (port 80, or the containerPorts). */
  | { kind: 'image' }
  | { kind: 'conf.d'; listens: NginxSiteListen[] }
  /** nginx would not start: its stderr line (`nginx: [emerg] ...`). */
  | { kind: 'emerg'; message: string };

interface Token {
  text: string;
  line: number;
  file: string;
  /** `;`, `{` or `}` outside quotes. */
  punct: boolean;
}

class ConfError extends Error {}

function tokenize(file: string, text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) i++;
    else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === ';' || ch === '{' || ch === '}') {
      out.push({ text: ch, line, file, punct: true });
      i++;
    } else if (ch === '"' || ch === "'") {
      const start = line;
      let s = '';
      i++;
      while (i < text.length && text[i] !== ch) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        if (text[i] === '\n') line++;
        s += text[i];
        i++;
      }
      if (i >= text.length)
        throw new ConfError(`unexpected end of file, expecting ";" or "}" in ${file}:${line}`);
      i++;
      out.push({ text: s, line: start, file, punct: false });
    } else {
      let s = '';
      while (i < text.length && !/[\s;{}#]/.test(text[i]!)) s += text[i++];
      out.push({ text: s, line, file, punct: false });
    }
  }
  return out;
}

interface Directive {
  name: string;
  args: string[];
  line: number;
  file: string;
  block?: Directive[];
}

/** nginx's grammar: `name args... ;` or `name args... { ... }`, with its error wording. */
function parse(tokens: Token[], file: string): Directive[] {
  let i = 0;
  const block = (depth: number): Directive[] => {
    const out: Directive[] = [];
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (t.punct && t.text === '}') {
        if (depth === 0) throw new ConfError(`unexpected "}" in ${file}:${t.line}`);
        i++;
        return out;
      }
      if (t.punct) throw new ConfError(`unexpected "${t.text}" in ${file}:${t.line}`);
      const d: Directive = { name: t.text, args: [], line: t.line, file };
      i++;
      for (;;) {
        const a = tokens[i];
        if (!a) {
          const last = tokens[tokens.length - 1]!;
          throw new ConfError(
            `unexpected end of file, expecting ";" or "}" in ${file}:${last.line}`,
          );
        }
        i++;
        if (!a.punct) d.args.push(a.text);
        else if (a.text === ';') break;
        else if (a.text === '{') {
          d.block = block(depth + 1);
          break;
        } else throw new ConfError(`unexpected "}" in ${file}:${a.line}`);
      }
      out.push(d);
    }
    if (depth > 0) {
      const last = tokens[tokens.length - 1];
      throw new ConfError(`unexpected end of file, expecting "}" in ${file}:${last?.line ?? 1}`);
    }
    return out;
  };
  return block(0);
}

/** The port of a `listen` address: `80`, `*:8080`, `[::]:443`, `10.0.0.1` (80); unix sockets: none. */
export function listenPort(address: string): number | undefined {
  if (address.startsWith('unix:')) return undefined;
  if (/^\d+$/.test(address)) return Number(address);
  const m = /^(?:\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(address);
  if (!m) return undefined;
  return m[1] ? Number(m[1]) : 80;
}

/** The value of an `ssl_certificate`-like directive in a block, if it has one (the last wins). */
const valueOf = (ds: readonly Directive[], name: string) => ds.filter((d) => d.name === name).pop();

/**
 * The sites of the nginx containers' mounted conf.d: ports and their TLS, or nginx's refusal.
 * Several nginx containers in one pod share the lab's one nginx: their conf.d files add up.
 */
export function nginxSite(pod: PodSandbox): NginxSite {
  const nginx = pod.containers.filter((c) => isNginxImage(c.image));
  const confs: { container: Container; path: string; text: string }[] = [];
  for (const c of nginx) {
    for (const [path, data] of pod.containerFiles?.get(c.name) ?? []) {
      // nginx's default nginx.conf: `include /etc/nginx/conf.d/*.conf;` inside http {}.
      if (
        path.startsWith(`${NGINX_CONF_D}/`) &&
        path.endsWith('.conf') &&
        !path.slice(NGINX_CONF_D.length + 1).includes('/')
      )
        confs.push({ container: c, path, text: data.toString('utf8') });
    }
  }
  if (confs.length === 0) return { kind: 'image' };
  confs.sort((a, b) => a.path.localeCompare(b.path));
  try {
    const listens = new Map<number, NginxSiteListen>();
    for (const conf of confs) {
      const top = parse(tokenize(conf.path, conf.text), conf.path);
      const files = pod.containerFiles?.get(conf.container.name) ?? new Map<string, Buffer>();
      for (const server of top.filter((d) => d.name === 'server' && d.block)) {
        const body = server.block!;
        const ls = body.filter((d) => d.name === 'listen');
        // A server without `listen` listens on *:80 (nginx running as root).
        const entries =
          ls.length > 0
            ? ls
            : [{ name: 'listen', args: ['80'], line: server.line, file: conf.path }];
        for (const l of entries) {
          const port = l.args[0] !== undefined ? listenPort(l.args[0]) : undefined;
          if (port === undefined) continue;
          const ssl = l.args.slice(1).includes('ssl');
          const seen = listens.get(port);
          if (!ssl) {
            if (!seen) listens.set(port, { port });
            continue;
          }
          if (seen?.tls) continue;
          const certD = valueOf(body, 'ssl_certificate') ?? valueOf(top, 'ssl_certificate');
          const keyD = valueOf(body, 'ssl_certificate_key') ?? valueOf(top, 'ssl_certificate_key');
          if (!certD?.args[0])
            throw new ConfError(
              `no "ssl_certificate" is defined for the "listen ... ssl" directive in ${l.file}:${l.line}`,
            );
          if (!keyD?.args[0])
            throw new ConfError(
              `no "ssl_certificate_key" is defined for certificate "${certD.args[0]}" and the "listen ... ssl" directive in ${l.file}:${l.line}`,
            );
          listens.set(port, { port, tls: loadTls(files, certD.args[0], keyD.args[0]) });
        }
      }
    }
    return { kind: 'conf.d', listens: [...listens.values()].sort((a, b) => a.port - b.port) };
  } catch (err) {
    if (err instanceof ConfError)
      return { kind: 'emerg', message: `nginx: [emerg] ${err.message}` };
    throw err;
  }
}

const noFile = (path: string) =>
  `BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(${path}, r) error:10000080:BIO routines::no such file)`;

/** The certificate and key files, checked as nginx's OpenSSL loads them. */
function loadTls(files: ReadonlyMap<string, Buffer>, certPath: string, keyPath: string): NginxTls {
  const cert = files.get(certPath);
  if (!cert) throw new ConfError(`cannot load certificate "${certPath}": ${noFile(certPath)}`);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new ConfError(
      `cannot load certificate "${certPath}": PEM_read_bio_X509_AUX() failed (SSL: error:0480006C:PEM routines::no start line:Expecting: TRUSTED CERTIFICATE)`,
    );
  }
  const key = files.get(keyPath);
  if (!key) throw new ConfError(`cannot load certificate key "${keyPath}": ${noFile(keyPath)}`);
  let ok: boolean;
  try {
    ok = x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new ConfError(
      `cannot load certificate key "${keyPath}": PEM_read_bio_PrivateKey() failed (SSL: error:1E08010C:DECODER routines::unsupported:No supported data to decode.  Input type: PEM)`,
    );
  }
  if (!ok)
    throw new ConfError(
      `SSL_CTX_use_PrivateKey("${keyPath}") failed (SSL: error:05800074:x509 certificate routines::key values mismatch)`,
    );
  return { cert, key, certPath, keyPath };
}

/**
 * The pod's nginx as it ends when its configuration is refused: at once, exit 1, its one stderr
 * line as its log and termination message (the kubelet restarts it with back-off, as it would).
 */
export function refusedNginx(message: string): PodHandle {
  return {
    exited: Promise.resolve({ code: 1, signal: null, message }),
    async stop() {},
    kill() {},
    logs: async () => [message],
  };
}
