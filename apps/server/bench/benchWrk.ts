// bench:dataplane's load: wrk (apt-get install wrk) in its own process (in the client pod's
// namespace when there is one, benchClient.ts), and the three metrics every target is measured on.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

function unit(v: string, u: string): number {
  const n = Number(v);
  return u === 'GB' ? n * 1024 : u === 'MB' ? n : u === 'KB' ? n / 1024 : n / 1024 / 1024;
}

/** Where wrk runs: here, or a client pod's namespace (`nsenter --net=...`, benchClient.ts). */
let prefix: string[] = [];
export function loadFrom(command: string[]): void {
  prefix = command;
}

/** wrk in its own process; awaited, so this process's event loop (the proxier) keeps running. */
export async function wrk(
  url: string,
  conns: number,
  extra: string[] = [],
  seconds = SECONDS,
): Promise<{ rps: number; mbps: number; requests: number }> {
  const args = ['-t1', `-c${conns}`, `-d${seconds}s`, ...extra, url];
  const [file, ...before] = [...prefix, 'wrk'];
  const { stdout: out } = await promisify(execFile)(file!, [...before, ...args], {
    encoding: 'utf8',
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const t = /Transfer\/sec:\s+([\d.]+)(GB|MB|KB|B)/.exec(out);
  const errors = /Socket errors: (.*)/.exec(out)?.[1];
  if (errors) console.log(`    (wrk ${url}: socket errors ${errors})`);
  if (rps === 0) console.log(out);
  return { rps, mbps: t ? unit(t[1]!, t[2]!) : 0, requests };
}

export type Metric = 'newConn' | 'keepAlive' | 'bulk';
export type Run = { value: number; requests: number };
export const METRICS: {
  key: Metric;
  label: string;
  run: (base: string, seconds?: number) => Promise<Run>;
}[] = [
  {
    key: 'newConn',
    label: 'new connections/s (32 conns, Connection: close)',
    run: async (base, seconds) => {
      const r = await wrk(`${base}/`, 32, ['-H', 'Connection: close'], seconds);
      return { value: r.rps, requests: r.requests };
    },
  },
  {
    key: 'keepAlive',
    label: 'keep-alive requests/s (32 conns)',
    run: async (base, seconds) => {
      const r = await wrk(`${base}/`, 32, [], seconds);
      return { value: r.rps, requests: r.requests };
    },
  },
  {
    key: 'bulk',
    label: 'bulk MB/s (4 conns, 8 MiB file)',
    run: async (base, seconds) => {
      const r = await wrk(`${base}/bulk.bin`, 4, [], seconds);
      return { value: r.mbps, requests: r.requests };
    },
  },
];
