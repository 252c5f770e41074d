// A pod's streams through the API: `kubectl exec` over the WebSocket remote-command protocol
// (v5.channel.k8s.io, v4 too: binary frames, the first byte the channel: 0 stdin, 1 stdout,
// 2 stderr, 3 the error channel's Status, 4 resize; v5's close frame [255, channel]) and
// `kubectl logs` (text, `--tail`, `-f`). The command runs in the lab's pod tools, given by the server.
// `kubectl port-forward` (SPDY/3.1) is portForward.ts's; this routes the upgrade to it.
import type { RequestAttributes } from './kubernetesApi.ts';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  type ExecResponse,
  type Pod,
  execOutputInOrder,
  podContainer,
  podContainerStatus,
} from '@l4lab/protocol';
import type { ObjectStore } from '@l4lab/cluster';
import { failure, notFound, type Status } from './status.ts';
import { portForwardUpgrade } from './portForward.ts';
import type { PodDialer } from './podDialer.ts';

export interface PodStreams {
  /**
   * Runs a command line as the pod does (its IP, its DNS) in that container (its environment and
   * files); a signal cancels it.
   */
  exec(
    pod: Pod,
    commandLine: string,
    signal: AbortSignal,
    container?: string,
  ): Promise<ExecResponse>;
  /**
   * The pod's log lines (nginx's access log), the latest last, or one container's; undefined when
   * it is not running.
   */
  logs(pod: Pod, container?: string): Promise<string[] | undefined>;
  /**
   * `kubectl logs --previous`: the container's run that ended last (its lastState.terminated),
   * or undefined when it has none. Without it, --previous finds none.
   */
  previousLogs?(pod: Pod, container: string): Promise<string[] | undefined>;
  /**
   * Attaching to a container (`kubectl run -i`, `kubectl attach`): `shell` when its process is a
   * stand-in's shell reading stdin (the pod's tools answer what is typed, as with exec -it sh, and
   * `finish` ends the process with the shell's exit code); `output` to follow what it writes.
   * Without it, attach is refused (kubectl then reads the logs).
   */
  attach?(
    pod: Pod,
    container: string,
  ): { kind: 'shell'; finish(code: number): void } | { kind: 'output' };
  /**
   * The prompt of an interactive shell (`sh` or `bash`) in the pod's container, whose hostname is
   * `host`: its image's own (`[ root@curl:/ ]$ ` in radial/busyboxplus). Without it: bash's
   * `root@<host>:/# `, sh's `/ # `.
   */
  prompt?(pod: Pod, container: string, shell: 'sh' | 'bash', host: string): string;
  /**
   * Whether the container's image has the program exec starts (`bash` is not in busybox or
   * Alpine images). Without it, every program is there.
   */
  hasProgram?(pod: Pod, container: string, program: string): boolean;
  /**
   * A TCP connection to the pod's port, as the kubelet makes for `kubectl port-forward`; rejects
   * with what went wrong, in Go's words. Without it, port-forward is refused.
   */
  portForward?: PodDialer;
}

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;

/** `/api/v1/namespaces/NS/pods/NAME/exec` -> [NS, NAME, 'exec'] (also attach, portforward). */
export function execTarget(url: string | undefined): [string, string, string] | undefined {
  const path = new URL(url ?? '/', 'http://x').pathname;
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/.exec(
    path,
  );
  return m ? [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), m[3]!] : undefined;
}

/** A shell word as busybox sh reads it back: quoted when it holds anything but plain characters. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Serves an exec upgrade: a command runs once in the pod's tools with its output sent back (stdin,
 * if any, is not read), or, for `sh` with stdin, the pod's shell a line at a time (runShell).
 */
export function execUpgrade(
  deps: {
    store: ObjectStore;
    streams: PodStreams;
    authorize: (req: IncomingMessage) => boolean;
    /** The authorizer (RBAC's Forbidden message, or undefined when allowed). */
    admit?: (req: IncomingMessage, attributes: RequestAttributes) => string | undefined;
  },
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const target = execTarget(req.url);
  const refuse = (s: Status) => {
    const body = JSON.stringify(s);
    socket.end(
      `HTTP/1.1 ${s.code} ${s.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  if (!target)
    return refuse(failure(404, 'NotFound', 'the server could not find the requested resource'));
  if (!deps.authorize(req)) return refuse(failure(401, 'Unauthorized', 'Unauthorized'));
  const [namespace, name, sub] = target;
  const refused = deps.admit?.(req, {
    verb: 'create',
    resource: 'pods',
    group: '',
    subresource: sub,
    namespace,
    name,
  });
  if (refused) return refuse(failure(403, 'Forbidden', refused, { name, kind: 'pods' }));
  const pod = deps.store.get('Pod', namespace, name);
  if (!pod) return refuse(notFound('pods', name, 'pods'));
  const params = new URL(req.url ?? '/', 'http://x').searchParams;
  if (sub === 'portforward') {
    if (!deps.streams.portForward)
      return refuse(failure(405, 'MethodNotAllowed', 'port-forward is not served by this lab'));
    if (pod.status?.phase !== 'Running')
      return refuse(
        failure(
          400,
          'BadRequest',
          `pod ${name} is not running (${pod.status?.phase ?? 'Pending'}): unable to forward its ports`,
        ),
      );
    // Each connection dials the pod as it is now: one deleted (or replaced under the same name)
    // since kubectl connected is not there any more, whoever has its address now.
    const dial = deps.streams.portForward;
    const current: PodDialer = (p, port) => {
      const now = deps.store.get('Pod', namespace, name);
      if (!now || now.metadata.uid !== p.metadata.uid || now.status?.phase !== 'Running')
        return Promise.reject(
          new Error(`pod "${name}" in namespace "${namespace}" is not running`),
        );
      return dial(now, port);
    };
    const answer = portForwardUpgrade(req, socket, head, pod, current);
    if (answer) {
      const extra = Object.entries(answer.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.end(
        `HTTP/1.1 ${answer.code} ${answer.code === 403 ? 'Forbidden' : 'Bad Request'}\r\nContent-Type: text/plain; charset=utf-8\r\n${extra.join('')}Content-Length: ${Buffer.byteLength(answer.text) + 1}\r\nConnection: close\r\n\r\n${answer.text}\n`,
      );
    }
    return;
  }
  const container = params.get('container') ?? pod.spec.containers[0]?.name ?? '';
  const attach = sub === 'attach' ? deps.streams.attach?.(pod, container) : undefined;
  if (sub !== 'exec' && !attach) {
    return refuse(
      failure(
        405,
        'MethodNotAllowed',
        'attach is not served by l4lab: use kubectl logs, or kubectl exec',
      ),
    );
  }
  // The API server's checks (streamLocation), then the kubelet's: the container must run now (an
  // init container of a Pending pod may; an app container not started yet, or ended, may not).
  const spec = podContainer(pod, container);
  if (!spec)
    return refuse(
      failure(400, 'BadRequest', `container ${container} is not valid for pod ${name}`),
    );
  if (!pod.spec.nodeName)
    return refuse(failure(400, 'BadRequest', `pod ${name} does not have a host assigned`));
  if (!containerRunning(pod, container)) {
    // What the kubelet answers, passed on as it is: kubectl prints `error: unable to upgrade
    // connection: container not found ("web")`.
    const text = `container not found ("${container}")`;
    return void socket.end(
      `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  const command = params.getAll('command');
  if (!attach && command.length === 0)
    return refuse(failure(400, 'BadRequest', 'you must specify at least 1 command'));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  wss.handleUpgrade(req, socket, head, (ws) => {
    wss.close();
    // kubectl makes its streams after the connection is up, and drops a frame for a stream it has
    // not made yet (client-go's websocket executor, "Unknown stream id"): an exec's answer waits
    // until it has had the time, as a container runtime's round trip gives it.
    const opened = Date.now();
    const settled = () =>
      new Promise<void>((r) => setTimeout(r, Math.max(0, opened + EXEC_SETTLE_MS - Date.now())));
    const program = command[0]?.split('/').pop();
    if (!attach && program && deps.streams.hasProgram?.(pod, container, program) === false)
      return void notInPath(ws, command[0]!, settled());
    // bash's prompt is `\u@\h:\w# ` (root, the container's hostname), busybox sh's `/ # `.
    const host = (pod.spec.hostname ?? pod.metadata.name).split('.')[0]!;
    const promptOf = (shell: 'sh' | 'bash') =>
      deps.streams.prompt?.(pod, container, shell, host) ??
      (shell === 'bash' ? `root@${host}:/# ` : PROMPT);
    if (attach?.kind === 'shell' && params.get('stdin') === 'true')
      return void runShell(
        ws,
        deps.streams,
        pod,
        container,
        params.get('tty') === 'true',
        {
          onExit: attach.finish,
          stdinOnce: spec.stdinOnce === true,
          alive: sameRun(deps.store, pod, container),
        },
        promptOf('sh'),
      );
    if (attach) return void followOutput(ws, deps.store, deps.streams, pod, container);
    const shell = /^(\/bin\/)?(ba)?sh$/.exec(command.join(' '));
    if (shell && params.get('stdin') === 'true') {
      const prompt = promptOf(shell[2] ? 'bash' : 'sh');
      const tty = params.get('tty') === 'true';
      return void runShell(ws, deps.streams, pod, container, tty, undefined, prompt);
    }
    void runExec(ws, deps.streams, pod, container, command, {
      stderr: params.get('stderr') !== 'false',
      tty: params.get('tty') === 'true',
      settled: settled(),
    });
  });
}

/**
 * What the container runtime answers when exec names a program the image does not have: runc's
 * words through containerd and the kubelet, on the error channel (kubectl prints `error: Internal
 * error occurred: ...` and exits 1).
 */
async function notInPath(ws: WebSocket, program: string, settled: Promise<void>): Promise<void> {
  const id = randomBytes(32).toString('hex');
  const cause = `error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown`;
  const status = {
    ...failure(500, 'InternalError', `Internal error occurred: ${cause}`),
    details: { causes: [{ message: cause }] },
  };
  await settled;
  if (ws.readyState === ws.OPEN) {
    ws.send(Buffer.concat([Buffer.from([ERROR]), Buffer.from(JSON.stringify(status))]));
    ws.close(1000);
  }
}

async function runExec(
  ws: WebSocket,
  streams: PodStreams,
  pod: Pod,
  container: string,
  command: string[],
  /** `-t`: one terminal, as a container's pty makes it: stderr in it, lines ending \r\n. */
  o: { stderr: boolean; tty: boolean; settled: Promise<void> },
): Promise<void> {
  const gone = new AbortController();
  ws.on('close', () => gone.abort());
  ws.on('message', () => {}); // stdin, resize, v5 close frames: nothing reads them yet
  const send = (channel: number, data: string) => {
    if (data && ws.readyState === ws.OPEN)
      ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  };
  const line = command.map(shellWord).join(' ');
  const shellOnly = /^(\/bin\/)?(ba)?sh$/.test(line);
  let status: object;
  try {
    if (shellOnly) {
      // A shell without stdin has nothing to read: it exits at once, as sh does.
      status = { metadata: {}, status: 'Success' };
    } else {
      const r = await streams.exec(pod, line, gone.signal, container);
      await o.settled;
      for (const [fd, text] of execOutputInOrder(r)) {
        if (o.tty) send(STDOUT, text.replace(/\r?\n/g, '\r\n'));
        else if (fd === STDOUT || o.stderr) send(fd, text);
      }
      status =
        r.exitCode === 0 ? { metadata: {}, status: 'Success' } : exitStatus(command, r.exitCode);
    }
  } catch (err) {
    status = failure(500, 'InternalError', err instanceof Error ? err.message : String(err));
  }
  await o.settled;
  send(ERROR, JSON.stringify(status));
  if (ws.readyState === ws.OPEN) ws.close(1000);
}

const STDIN = 0;
/** The least time from the upgrade to an exec's first frame (see `settled`). */
const EXEC_SETTLE_MS = 100;
const CLOSE = 255;
const PROMPT = '/ # ';

/**
 * `kubectl exec -it POD -- sh` (or `-i` with a script on stdin): the pod's shell, a line at a time,
 * each line run by the pod tools (pipes, `&&`, quotes as busybox sh reads them). With a terminal it
 * prompts, echoes and edits the line (backspace, Ctrl-C, Ctrl-D); `exit [n]` ends it.
 */
function runShell(
  ws: WebSocket,
  streams: PodStreams,
  pod: Pod,
  container: string,
  tty: boolean,
  /** An attached container's shell: its process ends with the shell (`exit`, or stdin closed). */
  attached?: { onExit: (code: number) => void; stdinOnce: boolean; alive: () => boolean },
  /** What it prints before each line it reads, with a terminal. */
  prompt = PROMPT,
): void {
  const onExit = attached?.onExit;
  let line = '';
  let lastCode = 0;
  let running: AbortController | undefined;
  const queue: string[] = [];
  let ended = false;
  let busy = false;
  const send = (channel: number, data: string) => {
    if (data && ws.readyState === ws.OPEN)
      ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  };
  const out = (text: string) => send(STDOUT, tty ? text.replace(/\r?\n/g, '\r\n') : text);
  const finish = (code: number, detachOnly = false) => {
    if (ended) return;
    ended = true;
    running?.abort();
    if (!detachOnly) onExit?.(code);
    // exec's error channel carries the exit code; attach's says Success (the code is the
    // container's, in the pod's status).
    const ok = code === 0 || onExit !== undefined;
    send(
      ERROR,
      JSON.stringify(ok ? { metadata: {}, status: 'Success' } : exitStatus(['sh'], code)),
    );
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  const drain = async () => {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !ended) {
      const cmd = queue.shift()!.trim();
      const exit = /^exit(?:\s+(\d+))?$/.exec(cmd);
      if (exit) return finish(exit[1] !== undefined ? Number(exit[1]) : lastCode);
      // stdin's end: the shell reads it and exits, unless stdin stays open for the next attach.
      if (cmd === '__EOF__') return finish(lastCode, attached !== undefined && !attached.stdinOnce);
      if (cmd) {
        running = new AbortController();
        try {
          const r = await streams.exec(pod, cmd, running.signal, container);
          // A terminal has one output: stderr goes with stdout (kubectl reads no channel 2 then).
          for (const [fd, text] of execOutputInOrder(r))
            if (fd === STDOUT || tty) out(text);
            else send(STDERR, text);
          lastCode = r.exitCode;
        } catch {
          lastCode = 130;
        }
        running = undefined;
      }
      if (tty && !ended) out(prompt);
    }
    busy = false;
  };
  const submit = (cmd: string) => {
    queue.push(cmd);
    void drain();
  };
  // Attached: the session ends with the container (deleted, restarted, killed by a probe).
  const watch = attached
    ? setInterval(() => {
        if (attached.alive()) return;
        ended = true;
        running?.abort();
        send(ERROR, JSON.stringify({ metadata: {}, status: 'Success' }));
        if (ws.readyState === ws.OPEN) ws.close(1000);
      }, 500)
    : undefined;
  ws.on('close', () => {
    clearInterval(watch);
    // stdinOnce: the client going is stdin's end, which the shell reads and exits on.
    if (!ended && attached?.stdinOnce) onExit?.(lastCode);
    ended = true;
    running?.abort();
  });
  ws.on('message', (data: Buffer) => {
    const channel = data[0];
    if (channel === CLOSE && data[1] === STDIN) {
      // v5: stdin is closed (the end of a script piped in): run what is left, then exit.
      if (line) submit(line);
      line = '';
      return submit('__EOF__');
    }
    if (channel !== STDIN) return; // resize (4): the lab's tools print no terminal graphics
    for (const ch of data.subarray(1).toString('utf8')) {
      if (ch === '\r' || ch === '\n') {
        if (tty) out('\n');
        submit(line);
        line = '';
      } else if (tty && (ch === '\x7f' || ch === '\b')) {
        if (line) {
          line = line.slice(0, -1);
          send(STDOUT, '\b \b');
        }
      } else if (tty && ch === '\x03') {
        running?.abort();
        line = '';
        out('^C\n' + prompt);
      } else if (ch === '\x04' && line === '') {
        submit('exit');
      } else {
        line += ch;
        if (tty) send(STDOUT, ch);
      }
    }
  });
  if (tty) out(prompt);
}

/** How often an attached client is sent what the container wrote since. */
const FOLLOW_MS = 100;

/**
 * Attached to a container's output: what it writes from now on (from its start when it was made
 * for one attach, `stdinOnce`, as `kubectl run -i` makes it, or is an ephemeral container, which
 * `kubectl debug -i` attaches to once it runs), until its process ends, its last lines included.
 */
function followOutput(
  ws: WebSocket,
  store: ObjectStore,
  streams: PodStreams,
  pod: Pod,
  container: string,
): void {
  const fromStart =
    podContainer(pod, container)?.stdinOnce === true ||
    (pod.spec.ephemeralContainers ?? []).some((c) => c.name === container);
  let seen: string[] | undefined = fromStart ? [] : undefined;
  let closed = false;
  const send = (channel: number, data: string) => {
    if (data && ws.readyState === ws.OPEN)
      ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  };
  const alive = sameRun(store, pod, container);
  const end = (status: object) => {
    send(ERROR, JSON.stringify(status));
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  const tick = async (): Promise<void> => {
    // Judged before the read, so the read that ends the stream has what the process wrote last.
    const running = alive();
    let lines: string[];
    try {
      lines = (await streams.logs(pod, container)) ?? [];
    } catch (err) {
      return end(failure(500, 'InternalError', err instanceof Error ? err.message : String(err)));
    }
    if (closed) return;
    const fresh = seen === undefined ? [] : freshLines(seen, lines);
    send(STDOUT, fresh.map((l) => `${l}\n`).join(''));
    seen = lines;
    if (running) return void (timer = setTimeout(() => void tick(), FOLLOW_MS));
    end({ metadata: {}, status: 'Success' });
  };
  let timer: NodeJS.Timeout | undefined;
  ws.on('message', () => {}); // stdin: the process does not read it
  ws.on('close', () => {
    closed = true;
    clearTimeout(timer);
  });
  void tick();
}

/**
 * Whether the container still runs the process it ran when this was called: false once the pod is
 * gone or replaced, or the container ended or restarted (a stream attached to it ends then).
 */
function sameRun(store: ObjectStore, pod: Pod, container: string): () => boolean {
  const ns = pod.metadata.namespace ?? 'default';
  const statusOf = (p: Pod | undefined) =>
    [
      ...(p?.status?.containerStatuses ?? []),
      ...(p?.status?.ephemeralContainerStatuses ?? []),
    ].find((c) => c.name === container);
  const first = statusOf(store.get('Pod', ns, pod.metadata.name));
  return () => {
    const now = store.get('Pod', ns, pod.metadata.name);
    const status = statusOf(now);
    return (
      now !== undefined &&
      now.metadata.uid === pod.metadata.uid &&
      now.status?.phase !== 'Succeeded' &&
      now.status?.phase !== 'Failed' &&
      status?.state?.running !== undefined &&
      status.restartCount === first?.restartCount &&
      (first?.state?.running === undefined ||
        status.state.running.startedAt === first.state.running.startedAt)
    );
  };
}

/**
 * The lines of `now` that came after `before` (two reads of a log that keeps its latest lines):
 * `before`'s tail found at the start of `now`, shifted by the lines dropped from its front; when it
 * is not (a pod's containers' logs, joined, each growing), what follows its last line.
 */
export function freshLines(before: readonly string[], now: readonly string[]): string[] {
  if (before.length === 0) return [...now];
  for (let shift = 0; shift < before.length; shift++) {
    const kept = before.length - shift;
    if (kept > now.length) continue;
    let same = true;
    for (let i = 0; i < kept && same; i++) same = before[shift + i] === now[i];
    if (same) return now.slice(kept);
  }
  return now.slice(now.lastIndexOf(before.at(-1)!) + 1);
}

/** What the kubelet's error channel says for a command that exited non-zero. */
function exitStatus(command: string[], code: number): object {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** GET .../pods/NAME/log: text/plain; `tailLines`, and `follow` until the client goes. */
export async function serveLogs(
  streams: PodStreams,
  pod: Pod,
  req: Request,
  res: Response,
): Promise<void> {
  const container = typeof req.query.container === 'string' ? req.query.container : undefined;
  if (container !== undefined && !podContainer(pod, container))
    return void res
      .status(400)
      .json(
        failure(
          400,
          'BadRequest',
          `container ${container} is not valid for pod ${pod.metadata.name}`,
        ),
      );
  const previous = req.query.previous === 'true';
  const name = container ?? pod.spec.containers[0]?.name ?? '';
  // --previous: the run that ended last, whole (nothing follows a process that ended).
  const lines = previous
    ? await streams.previousLogs?.(pod, name)
    : await streams.logs(pod, container);
  if (!lines) {
    const status = previous
      ? failure(
          400,
          'BadRequest',
          `previous terminated container "${name}" in pod "${pod.metadata.name}" not found`,
        )
      : failure(
          400,
          'BadRequest',
          `container "${name}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
        );
    return void res.status(400).json(status);
  }
  const tail = Number(req.query.tailLines);
  const shown =
    Number.isInteger(tail) && tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
  res.status(200).type('text/plain');
  res.write(shown.map((l) => `${l}\n`).join(''));
  if (previous || req.query.follow !== 'true') return void res.end();
  // Follow: the lines that come after those sent, every second, until the client goes.
  let seen = lines;
  const timer = setInterval(() => {
    void streams.logs(pod, container).then(
      (now) => {
        if (!now) return void res.end();
        const fresh = freshLines(seen, now);
        if (fresh.length) res.write(fresh.map((l) => `${l}\n`).join(''));
        seen = now;
      },
      () => res.end(),
    );
  }, 1000);
  res.on('close', () => clearInterval(timer));
}

/** Whether the pod's container of that name (app, init or ephemeral) runs now. */
function containerRunning(pod: Pod, container: string): boolean {
  if (pod.metadata.deletionTimestamp && pod.status?.phase !== 'Running') return false;
  return podContainerStatus(pod, container)?.state?.running !== undefined;
}
