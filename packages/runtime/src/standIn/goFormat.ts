// How the Go programs that the demo images run write things (their flags, log lines, times and
// request dumps), so that the stand-ins answer in the same words.
import type { HttpAnswer, HttpAsk } from './standInTypes.ts';

/**
 * Go's flag / spf13 pflag command line: `-name=value`, `--name=value`, `-name value`, and boolean
 * flags (`-version`, `--tcp`, `--http=false`). What follows the flags is `rest`.
 */
export function goFlags(
  args: string[],
  booleans: string[] = [],
): { flags: Map<string, string>; rest: string[] } {
  const flags = new Map<string, string>();
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    if (!m || a === '-') break;
    const [, name, value] = m as unknown as [string, string, string | undefined];
    if (value !== undefined) flags.set(name, value);
    else if (booleans.includes(name)) flags.set(name, 'true');
    else flags.set(name, args[++i] ?? '');
  }
  return { flags, rest: args.slice(i) };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go's log prefix: `2026/01/01 00:00:00 `. */
export function goLogTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} `;
}

/** Go's time.Duration String(): `1.5s`, `250ms`, `2m3.5s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${+(s % 60).toFixed(3)}s`;
}

/** Go's time.Now().String(): `2026-01-01 00:00:00.123 +0000 UTC m=+12.345000001`. */
export function goNow(ms: number, startedAt: number): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  return `${date} ${time} +0000 UTC m=+${((ms - startedAt) / 1000).toFixed(9)}`;
}

/** Go's canonical header key: `user-agent` is `User-Agent`. */
export function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** The request's headers as Go's http.Header: canonical keys, values in order, Host apart. */
export function goHeader(ask: HttpAsk): Map<string, string[]> {
  const h = new Map<string, string[]>();
  for (const [k, v] of ask.headers) {
    const key = canonicalHeader(k);
    if (key === 'Host') continue;
    h.set(key, [...(h.get(key) ?? []), v]);
  }
  return h;
}

const DUMP_EXCLUDED = new Set(['User-Agent', 'Content-Length', 'Transfer-Encoding', 'Trailer']);

/**
 * Go's Request.Write, as traefik/whoami prints the request: the request line (always HTTP/1.1),
 * Host, User-Agent, then the other headers sorted by key, each line ending in CRLF.
 */
export function goRequestDump(ask: HttpAsk): string {
  const h = goHeader(ask);
  const lines = [`${ask.method} ${ask.path} HTTP/1.1`, `Host: ${ask.host}`];
  lines.push(`User-Agent: ${h.get('User-Agent')?.[0] ?? 'Go-http-client/1.1'}`);
  for (const key of [...h.keys()].sort()) {
    if (DUMP_EXCLUDED.has(key)) continue;
    for (const v of h.get(key)!) lines.push(`${key}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** net/http's answer to a path no handler serves. */
export const goNotFound: HttpAnswer = {
  status: 404,
  headers: { 'X-Content-Type-Options': 'nosniff' },
  body: '404 page not found\n',
};
