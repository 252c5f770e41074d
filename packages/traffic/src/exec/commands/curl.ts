import { getopt, hasOpt, optValue } from '../getopt.ts';
import { podHttp, podResolve } from '../podConnect.ts';
import type { Command } from '../types.ts';
import { parseUrl, readFile, writeFile } from './util.ts';

const UA = 'curl/8.5.0';

/** curl 8's words when it does not trust a server (code 60), after the reason. */
const VERIFY_HELP =
  'More details here: https://curl.se/docs/sslcerts.html\n\n' +
  'curl failed to verify the legitimacy of the server and therefore could not\n' +
  'establish a secure connection to it. To learn more about this situation and\n' +
  'how to fix it, please visit the web page mentioned above.';

/** A TLS failure as curl (OpenSSL) reports it: code and message; undefined when not TLS's. */
function tlsFailure(err: NodeJS.ErrnoException, host: string): [number, string] | undefined {
  const problem = (why: string): [number, string] => [
    60,
    `SSL certificate problem: ${why}\n${VERIFY_HELP}`,
  ];
  switch (err.code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return problem('self-signed certificate');
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return problem('self-signed certificate in certificate chain');
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return problem('unable to get local issuer certificate');
    case 'CERT_HAS_EXPIRED':
      return problem('certificate has expired');
    case 'CERT_NOT_YET_VALID':
      return problem('certificate is not yet valid');
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      // curl compares the subject's CN only when the certificate has no subjectAltName.
      const cert = (err as { cert?: { subject?: { CN?: string }; subjectaltname?: string } }).cert;
      const cn = cert && !cert.subjectaltname ? cert.subject?.CN : undefined;
      return [
        60,
        (cn
          ? `SSL: certificate subject name '${cn}' does not match target host name '${host}'`
          : `SSL: no alternative certificate subject name matches target host name '${host}'`) +
          `\n${VERIFY_HELP}`,
      ];
    }
  }
  // OpenSSL's own error (a plain HTTP server answering the handshake: "wrong version number"),
  // as curl 8 prints it: `error:0A00010B:SSL routines::wrong version number`.
  const openssl = /error:([0-9A-F]{8}):SSL routines:[^:]*:([^:]+)/.exec(err.message);
  if (err.code === 'EPROTO' || openssl || err.code?.startsWith('ERR_SSL_'))
    return [
      35,
      openssl
        ? `OpenSSL/3.0.15: error:${openssl[1]}:SSL routines::${openssl[2]}`
        : `OpenSSL/3.0.15: ${err.message}`,
    ];
  return undefined;
}

/**
 * curl, the options people type in a pod: -s -S -v -i -I -o -w -m/--max-time -H -X -A -f, and
 * https:// with -k/--insecure and --cacert (the docs' `curl https://my-nginx --cacert
 * /etc/nginx/ssl/tls.crt`, the file a Secret volume mounts).
 */
export const curl: Command = async (args, pod, io) => {
  const g = getopt('curl', args, 'sSviIo:w:m:H:X:A:fLkD:', {
    silent: 's',
    'show-error': 'S',
    verbose: 'v',
    include: 'i',
    head: 'I',
    'output:': 'o',
    'write-out:': 'w',
    'max-time:': 'm',
    'connect-timeout:': 'm',
    'header:': 'H',
    'request:': 'X',
    'user-agent:': 'A',
    fail: 'f',
    location: 'L',
    insecure: 'k',
    'dump-header:': 'D',
    'cacert:': 'cacert',
  });
  if ('error' in g) {
    io.err(
      `curl: ${g.error.replace(/^curl: /, '')}\ncurl: try 'curl --help' for more information\n`,
    );
    return 2;
  }
  const has = (c: string) => hasOpt(g.opts, c);
  const fail = (code: number, msg: string) => {
    if (!has('s') || has('S')) io.err(`curl: (${code}) ${msg}\n`);
    return code;
  };
  const raw = g.rest[0];
  if (!raw) return fail(2, 'no URL specified');
  const url = parseUrl(raw, ['http:', 'https:']);
  if (!url) return fail(1, `Protocol "${raw.split(':')[0]}" not supported`);
  const cacert = optValue(g.opts, 'cacert');
  let ca: string | undefined;
  if (url.tls && cacert !== undefined) {
    ca = readFile(pod, cacert);
    if (ca === undefined) return fail(77, `error setting certificate file: ${cacert}`);
  }
  const verbose = has('v');
  const started = performance.now();
  const r = await podResolve(url.host, pod, io);
  const ip = r.addresses[0];
  if (!ip) return fail(6, `Could not resolve host: ${url.host}`);
  const method = optValue(g.opts, 'X') ?? (has('I') ? 'HEAD' : 'GET');
  const headers: Record<string, string> = {
    Host: url.hostHeader,
    'User-Agent': optValue(g.opts, 'A') ?? UA,
    Accept: '*/*',
  };
  for (const [k, v] of g.opts) {
    const i = v.indexOf(':');
    if (k === 'H' && i > 0) headers[v.slice(0, i).trim()] = v.slice(i + 1).trim();
  }
  if (verbose) io.err(`*   Trying ${ip}:${url.port}...\n`);
  const maxTime = Number(optValue(g.opts, 'm') ?? 0);
  const timeoutMs = Math.max(
    1,
    maxTime > 0 ? Math.min(maxTime * 1000, io.remainingMs()) : io.remainingMs(),
  );
  let res;
  try {
    res = await podHttp(pod, io, {
      host: url.host,
      ip,
      port: url.port,
      method,
      path: url.path,
      headers,
      timeoutMs,
      maxBody: 1 << 20,
      ...(url.tls ? { tls: { insecure: has('k'), ...(ca ? { ca } : {}) } } : {}),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const ms = Math.round(performance.now() - started);
    const tls = url.tls ? tlsFailure(err, url.host) : undefined;
    if (tls) return fail(...tls);
    if (err.code === 'ETIMEDOUT') return fail(28, `Connection timed out after ${ms} milliseconds`);
    if (err.code === 'ECONNRESET') return fail(56, 'Recv failure: Connection reset by peer');
    return fail(
      7,
      `Failed to connect to ${url.host} port ${url.port} after ${ms} ms: Couldn't connect to server`,
    );
  }
  const statusLine = `HTTP/${res.httpVersion} ${res.status} ${res.statusText}`;
  const headerText =
    [statusLine, ...res.headers.map(([k, v]) => `${k}: ${v}`)].join('\r\n') + '\r\n\r\n';
  if (verbose) {
    io.err(`* Connected to ${url.host} (${ip}) port ${url.port}\n`);
    if (res.peer) {
      io.err(`* SSL connection using ${res.peer.protocol} / ${res.peer.cipher}\n`);
      io.err('* Server certificate:\n');
      io.err(`*  subject: ${res.peer.subject}\n`);
      io.err(`*  issuer: ${res.peer.issuer}\n`);
      io.err(
        has('k')
          ? '*  SSL certificate verify result: not checked (-k), continuing anyway.\n'
          : '*  SSL certificate verify ok.\n',
      );
    }
    io.err(`> ${method} ${url.path} HTTP/1.1\n`);
    for (const [k, v] of Object.entries(headers)) io.err(`> ${k}: ${v}\n`);
    io.err('> \n');
    for (const line of headerText.trimEnd().split('\r\n')) io.err(`< ${line}\n`);
    io.err('< \n');
  }
  if (has('f') && res.status >= 400)
    return fail(22, `The requested URL returned error: ${res.status}`);
  const body = res.body.toString('utf8');
  const dump = optValue(g.opts, 'D');
  if (dump === '-') io.out(headerText);
  else if (dump !== undefined && writeFile(pod, dump, headerText, false))
    return fail(23, `Failed writing header to ${dump}`);
  const out = (has('i') || has('I') ? headerText : '') + (method === 'HEAD' ? '' : body);
  const file = optValue(g.opts, 'o');
  if (file === undefined || file === '-') io.out(out);
  else {
    const err = writeFile(pod, file, out, false);
    if (err)
      return fail(23, `Failure writing output to destination, passed ${out.length} returned 0`);
  }
  if (verbose) io.err(`* Connection #0 to host ${url.host} left intact\n`);
  const w = optValue(g.opts, 'w');
  if (w !== undefined) io.out(writeOut(w, { res, ip, port: url.port, started }));
  return 0;
};

function writeOut(
  fmt: string,
  v: { res: Awaited<ReturnType<typeof podHttp>>; ip: string; port: number; started: number },
): string {
  const vars: Record<string, string> = {
    http_code: String(v.res.status).padStart(3, '0'),
    response_code: String(v.res.status).padStart(3, '0'),
    remote_ip: v.ip,
    remote_port: String(v.port),
    local_ip: v.res.local.ip,
    local_port: String(v.res.local.port),
    size_download: String(v.res.body.length),
    time_total: ((performance.now() - v.started) / 1000).toFixed(6),
  };
  return fmt
    .replace(/%\{([a-z_]+)\}/g, (m, k: string) => vars[k] ?? m)
    .replaceAll('\\n', '\n')
    .replaceAll('\\t', '\t');
}
