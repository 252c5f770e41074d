// One container that l4lab does not run from its image: its stand-in. Its process is emulated
// (a demo image's program, or a shell running the manifest's command), its ports are served
// in-process, it has a log and a small file set for exec probes, and it ends as its process would.
import { type Clock, type PortMapper } from '@l4lab/cluster';
import type { Container } from '@l4lab/protocol';
import { ContainerStartError, type PodExit, type PodNetworkTools } from '../types.ts';
import { PodFiles } from './podFiles.ts';
import { type DnsQuery, podDnsQuery } from './podResolver.ts';
import { Shell, Stopped, isBareShell, isShellCommand } from './shellRun.ts';
import { type Serving, serveListeners } from './standInServer.ts';
import {
  type ImageEntry,
  containerArgv,
  containerEnv,
  genericListeners,
  imageHasBash,
  parseImage,
  hasOldNslookup,
  imageFiles,
  standInOf,
  standInText,
} from './standIns.ts';
import type { ImageProgram, Listener, ProgramContext, StandInPod } from './standInTypes.ts';

/** The most log lines a stand-in keeps (the newest). */
const MAX_LOG_LINES = 1000;

/** How a stand-in came to be: the demo program emulated, the command in a shell, or neither. */
export type StandInKind = 'emulated' | 'shell' | 'generic';

export interface StandInContainer {
  readonly container: string;
  readonly image: string;
  readonly kind: StandInKind;
  /**
   * Its process is a bare shell reading stdin (`kubectl run -it --image=busybox -- sh`): what
   * attaches to it talks to the pod's tools, and ends the process with the shell's exit code.
   */
  readonly interactive: boolean;
  /** Ends its process as an exit with `code` would (the attached shell's `exit`). */
  finish(code: number): void;
  /** Resolves when its process ends (not after stop or kill: those resolve it themselves). */
  readonly exited: Promise<PodExit>;
  stop(): void;
  kill(): void;
  /** Runs an exec probe's or hook's command against its files: the exit code (-1 past the
   * timeout, or once `signal` aborts it). */
  exec(command: string[], timeoutMs: number, signal?: AbortSignal): Promise<number>;
  logs(): string[];
}

/** The container's output as lines: a line is complete at its newline; at most MAX_LOG_LINES. */
class ContainerLog {
  readonly #lines: string[] = [];
  #partial = '';
  write(text: string): void {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop()!;
    this.#lines.push(...parts);
    if (this.#lines.length > MAX_LOG_LINES)
      this.#lines.splice(0, this.#lines.length - MAX_LOG_LINES);
  }
  lines(): string[] {
    return this.#partial ? [...this.#lines, this.#partial] : [...this.#lines];
  }
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

function programOf(entry: ImageEntry | undefined, argv: string[]) {
  const p = entry?.program;
  return p && argv.length > 0 && basename(argv[0]!) === p.binary ? p : undefined;
}

export interface StandInOptions {
  mapper: PortMapper;
  clock: Clock;
  /** The pod's wget, curl and nc, for a container whose command calls them. */
  network?: PodNetworkTools | undefined;
}

/** Starts the stand-in of one container: its ports listen before its process runs. */
export async function startStandIn(
  pod: StandInPod,
  c: Container,
  o: StandInOptions,
): Promise<StandInContainer> {
  const entry = standInOf(c.image);
  const { tag } = parseImage(c.image);
  if (entry?.tags && !entry.tags.includes(tag)) throw notInRegistry(c.image);
  const env = containerEnv(c, pod);
  const argv = containerArgv(c, entry, env);
  if (argv[0]?.split('/').pop() === 'bash' && !imageHasBash(c.image)) throw notInPath('bash');
  const files = new PodFiles(pod);
  for (const [path, text] of Object.entries(imageFiles(c.image))) files.write(path, text);
  const dns = podDnsQuery(pod, o.mapper);
  const hostname = pod.hostname ?? pod.name;
  const log = new ContainerLog();
  const ctx: ProgramContext = {
    pod,
    image: c.image,
    tag,
    env,
    clock: o.clock,
    startedAt: o.clock.now(),
    ports: c.ports ?? [],
    log: (line) => log.write(`${line}\n`),
    generic: () => genericListeners(c.image, pod, c.ports ?? [], entry),
  };
  const emulated = programOf(entry, argv);
  const program: ImageProgram | undefined = emulated?.run(argv.slice(1), ctx);
  const kind: StandInKind = program
    ? 'emulated'
    : isShellCommand(argv, o.network !== undefined)
      ? 'shell'
      : 'generic';
  const network = o.network;
  // Only a generic stand-in writes access lines: a shell's log is its script's output, and an
  // emulated program logs as the real one does.
  const access = kind === 'generic' ? ctx.log : () => {};
  const serve = (listeners: Listener[]) =>
    serveListeners(listeners, { mapper: o.mapper, pod, access });
  const shell: Shell = new Shell({
    clock: o.clock,
    files,
    env: Object.fromEntries(env),
    hostname,
    dns,
    oldNslookup: hasOldNslookup(c.image),
    log: (t) => log.write(t),
    stdinOpen: c.stdin === true,
    ...(network
      ? {
          network: (
            args: string[],
            io: { stdin: string; out(t: string): void; err(t: string): void },
            signal: AbortSignal,
          ) =>
            network(
              { namespace: pod.namespace, name: pod.name, ip: pod.ip, container: c.name },
              args,
              io,
              signal,
            ),
        }
      : {}),
    // A script that starts the image's own program (`sh -c "/agnhost netexec"`): the emulation
    // takes the ports over from the generic stand-in.
    external: async (args): Promise<number> => {
      const p = programOf(entry, args);
      if (!p) return shell.forever();
      const started = p.run(args.slice(1), ctx);
      started.log.forEach((l) => ctx.log(l));
      if (started.exit) return started.exit.code;
      serving.close();
      serving = await serve(started.listeners);
      if (ended) serving.close(); // stopped while its ports were opening
      return shell.forever();
    },
  });
  program?.log.forEach((l) => ctx.log(l));
  if (kind === 'generic') ctx.log(standInText(c.image, pod));
  let serving: Serving = await serve(program ? program.listeners : ctx.generic());

  let release!: (e: PodExit) => void;
  const exited = new Promise<PodExit>((r) => (release = r));
  let ended = false;
  const end = (e: PodExit) => {
    if (ended) return;
    ended = true;
    shell.stop();
    serving.close();
    release(e);
  };
  const run: Promise<number> = program
    ? program.exit
      ? Promise.resolve(program.exit.code)
      : shell.forever()
    : kind === 'shell'
      ? shell.run(argv)
      : shell.forever();
  run.then(
    (code) => {
      const message = terminationMessage(c, files, log.lines(), code);
      end({ code, signal: null, ...(message ? { message } : {}) });
    },
    (err: unknown) => {
      if (!(err instanceof Stopped)) end({ code: 1, signal: null, message: String(err) });
    },
  );
  return {
    container: c.name,
    image: c.image,
    kind,
    interactive: kind === 'shell' && c.stdin === true && isBareShell(argv),
    finish: (code) => end({ code, signal: null }),
    exited,
    stop: () => end({ code: 143, signal: 'SIGTERM' }),
    kill: () => end({ code: 137, signal: 'SIGKILL' }),
    exec: (command, timeoutMs, signal) =>
      execIn({ files, env, hostname, dns, clock: o.clock }, command, timeoutMs, signal),
    logs: () => log.lines(),
  };
}

/** A known image's tag its registry does not have, as containerd's pull says it. */
function notInRegistry(image: string): ContainerStartError {
  const ref = `"${image}"`;
  return new ContainerStartError(
    'ErrImagePull',
    `Failed to pull image ${ref}: rpc error: code = NotFound desc = failed to pull and unpack image ${ref}: failed to resolve reference ${ref}: ${image}: not found`,
  );
}

/**
 * A command the image does not have (`kubectl run -it bb --image=busybox -- bash`), as containerd
 * and runc refuse to start it: RunContainerError, then CrashLoopBackOff.
 */
function notInPath(program: string): ContainerStartError {
  return new ContainerStartError(
    'RunContainerError',
    `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown`,
  );
}

/** Most bytes of a termination message (the kubelet's MaxContainerTerminationMessageLength). */
const MAX_MESSAGE_BYTES = 4096;
/** FallbackToLogsOnError: the log's last lines, at most this many and this many bytes. */
const FALLBACK_LINES = 80;
const FALLBACK_BYTES = 2048;

/**
 * The container's termination message as the kubelet reads it: the file at
 * terminationMessagePath (default /dev/termination-log); when that is empty, the log's tail if
 * the container failed and its policy is FallbackToLogsOnError.
 */
export function terminationMessage(
  c: Container,
  files: PodFiles,
  logLines: string[],
  exitCode: number,
): string | undefined {
  const written = files.read(c.terminationMessagePath ?? '/dev/termination-log') ?? '';
  if (written) return written.slice(0, MAX_MESSAGE_BYTES);
  if (exitCode === 0 || c.terminationMessagePolicy !== 'FallbackToLogsOnError') return undefined;
  const tail = logLines.slice(-FALLBACK_LINES).join('\n');
  return tail ? tail.slice(-FALLBACK_BYTES) : undefined;
}

/** What a command run in a container sees: its files, environment, hostname and resolver. */
export interface ExecContext {
  files: PodFiles;
  env: Map<string, string>;
  hostname: string;
  dns?: DnsQuery;
  clock: Clock;
}

/**
 * An exec probe's or hook's command, run by a shell of its own over the container's files: `cat
 * /tmp/healthy` reads what the container's script wrote. The image's own tools (`redis-cli
 * ping`, `pg_isready`) are not here: they count as succeeding, the stand-in accepting anyway.
 */
export async function execIn(
  x: ExecContext,
  command: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const shell: Shell = new Shell({
    clock: x.clock,
    files: x.files,
    env: Object.fromEntries(x.env),
    hostname: x.hostname,
    ...(x.dns ? { dns: x.dns } : {}),
    log: () => {},
    external: async () => 0,
  });
  if (signal?.aborted) return -1;
  const timer = x.clock.setTimeout(() => shell.stop(), timeoutMs);
  const abort = () => shell.stop();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    return await shell.run(command);
  } catch {
    return -1; // stopped at the timeout, or aborted
  } finally {
    timer.cancel();
    signal?.removeEventListener('abort', abort);
  }
}

/**
 * A command in a container that is not a stand-in (nginx, a preStop hook's `sleep`): a shell
 * over a fresh file set with the kubelet's files, as the image's own shell would run it.
 */
export function execScratch(
  pod: StandInPod,
  o: { clock: Clock; mapper?: PortMapper },
  command: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const hostname = pod.hostname ?? pod.name;
  return execIn(
    {
      files: new PodFiles(pod),
      env: new Map([['HOSTNAME', hostname]]),
      hostname,
      ...(o.mapper ? { dns: podDnsQuery(pod, o.mapper) } : {}),
      clock: o.clock,
    },
    command,
    timeoutMs,
    signal,
  );
}
