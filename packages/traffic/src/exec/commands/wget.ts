import { getopt, hasOpt, optValue } from '../getopt.ts';
import { podHttp, podResolve, strerror } from '../podConnect.ts';
import type { Command } from '../types.ts';
import { parseUrl, writeFile } from './util.ts';

const USAGE = `BusyBox v1.36.1 (l4lab built-in) multi-call binary.

Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]
	[--post-data STR | --post-file FILE] [-Y on/off]
	[-P DIR] [-U AGENT] [-T SEC] URL...

Retrieve files via HTTP or FTP

	--spider	Only check URL existence: $? is 0 if exists
	--header STR	Add STR (of form 'header: value') to headers
	-c		Continue retrieval of aborted transfer
	-q		Quiet
	-P DIR		Save to DIR (default .)
	-S    		Show server response
	-T SEC		Network read timeout is SEC seconds
	-O FILE		Save to FILE ('-' for stdout)
	-o LOGFILE	Log messages to FILE
	-U STR		Use STR for User-Agent header
	-Y on/off	Use proxy
`;

/** busybox wget: one GET (or HEAD with --spider) per URL, from the pod, names through cluster DNS. */
export const wget: Command = async (args, pod, io) => {
  const g = getopt('wget', args, 'cqSO:o:P:U:T:Y:', {
    spider: 's',
    'header:': 'H',
    'output-document:': 'O',
    quiet: 'q',
    'server-response': 'S',
    'timeout:': 'T',
    'user-agent:': 'U',
  });
  if ('error' in g) {
    io.err(`${g.error}\n${USAGE}`);
    return 1;
  }
  if (g.rest.length === 0) {
    io.err(USAGE);
    return 1;
  }
  const quiet = hasOpt(g.opts, 'q');
  const log = (s: string) => void (quiet ? undefined : io.err(s));
  const output = optValue(g.opts, 'O');
  const timeoutS = Number(optValue(g.opts, 'T') ?? 900);
  const headers: Record<string, string> = {};
  for (const [k, v] of g.opts) {
    if (k !== 'H') continue;
    const i = v.indexOf(':');
    if (i > 0) headers[v.slice(0, i).trim()] = v.slice(i + 1).trim();
  }
  for (const raw of g.rest) {
    const url = parseUrl(raw);
    if (!url) {
      io.err(`wget: not an http or ftp url: ${raw}\n`);
      return 1;
    }
    const r = await podResolve(url.host, pod, io);
    const ip = r.addresses[0];
    if (!ip) {
      io.err(`wget: bad address '${url.host}'\n`);
      return 1;
    }
    log(`Connecting to ${url.host}${url.explicitPort ? `:${url.port}` : ''} (${ip}:${url.port})\n`);
    let res;
    try {
      res = await podHttp(pod, io, {
        host: url.host,
        ip,
        port: url.port,
        method: hasOpt(g.opts, 's') ? 'HEAD' : 'GET',
        path: url.path,
        headers: {
          Host: url.hostHeader,
          'User-Agent': optValue(g.opts, 'U') ?? 'Wget',
          Connection: 'close',
          ...headers,
        },
        timeoutMs: Math.max(1, Math.min(timeoutS * 1000, io.remainingMs())),
        maxBody: 1 << 20,
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ETIMEDOUT') io.err('wget: download timed out\n');
      else io.err(`wget: can't connect to remote host (${ip}): ${strerror(err)}\n`);
      return 1;
    }
    if (hasOpt(g.opts, 'S')) {
      io.err(`  HTTP/${res.httpVersion} ${res.status} ${res.statusText}\n`);
      for (const [k, v] of res.headers) io.err(`  ${k}: ${v}\n`);
    }
    if (res.status >= 400) {
      io.err(
        `wget: server returned error: HTTP/${res.httpVersion} ${res.status} ${res.statusText}\n`,
      );
      return 1;
    }
    if (hasOpt(g.opts, 's')) {
      log('remote file exists\n');
      continue;
    }
    const body = res.body.toString('utf8');
    const file = output ?? (url.path.split('?')[0]!.split('/').pop() || 'index.html');
    const bar = `${file === '-' ? '-' : file.padEnd(20)} 100% |********************************| ${String(res.body.length).padStart(5)}  0:00:00 ETA\n`;
    if (file === '-') {
      log('writing to stdout\n');
      io.out(body);
      log(`${bar}written to stdout\n`);
    } else {
      log(`saving to '${file}'\n`);
      const err = writeFile(pod, file, body, false);
      if (err) {
        io.err(`wget: can't open '${file}': ${err}\n`);
        return 1;
      }
      log(`${bar}'${file}' saved\n`);
    }
  }
  return 0;
};
