// A pod's streams through the API: `kubectl exec` over the WebSocket remote-command protocol
// (v5.channel.k8s.io, v4 too: binary frames, the first byte the channel: 0 stdin, 1 stdout,
// 2 stderr, 3 the error channel's Status, 4 resize; v5's close frame [255, channel]) and
// `kubectl logs` (text, `--tail`, `-f`). The command runs in the lab's pod tools, given by the server.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ExecResponse, Pod } from '@l4lab/protocol';
import type { ObjectStore } from '@l4lab/cluster';
import { failure, notFound, type Status } from './status.ts';

export interface PodStreams {
  /** Runs a command line as the pod does (its IP, its DNS); a signal cancels it. */
  exec(pod: Pod, commandLine: string, signal: AbortSignal): Promise<ExecResponse>;
  /** The pod's log lines (nginx's access log), the latest last; undefined when it is not running. */
  logs(pod: Pod): Promise<string[] | undefined>;
}

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;

/** `/api/v1/namespaces/NS/pods/NAME/exec` -> [NS, NAME]. */
export function execTarget(url: string | undefined): [string, string] | undefined {
  const path = new URL(url ?? '/', 'http://x').pathname;
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec\/?$/.exec(path);
  return m ? [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)] : undefined;
}

/** A shell word as busybox sh reads it back: quoted when it holds anything but plain characters. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Serves an exec upgrade. A command runs once with its output sent back; the lab's pods have no
 * interactive shell yet, so stdin (and `-it`'s terminal) is read and ignored, and a bare shell
 * says so on stderr.
 */
export function execUpgrade(
  deps: { store: ObjectStore; streams: PodStreams; authorize: (req: IncomingMessage) => boolean },
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
  const [namespace, name] = target;
  const pod = deps.store.get('Pod', namespace, name);
  if (!pod) return refuse(notFound('pods', name, 'pods'));
  if (pod.status?.phase !== 'Running') {
    return refuse(
      failure(
        400,
        'BadRequest',
        `pod ${name} is not running (${pod.status?.phase ?? 'Pending'}): unable to upgrade connection`,
      ),
    );
  }
  const params = new URL(req.url ?? '/', 'http://x').searchParams;
  const command = params.getAll('command');
  if (command.length === 0)
    return refuse(failure(400, 'BadRequest', 'you must specify at least 1 command'));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  wss.handleUpgrade(req, socket, head, (ws) => {
    wss.close();
    void runExec(ws, deps.streams, pod, command, params.get('stderr') !== 'false');
  });
}

async function runExec(
  ws: WebSocket,
  streams: PodStreams,
  pod: Pod,
  command: string[],
  wantStderr: boolean,
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
      send(
        STDERR,
        "l4lab: the pod's shell is not interactive from kubectl yet; run one command: kubectl exec POD -- wget -q -O - SERVICE (or use the dashboard's terminal)\r\n",
      );
      status = exitStatus(command, 1);
    } else {
      const r = await streams.exec(pod, line, gone.signal);
      send(STDOUT, r.stdout);
      if (wantStderr) send(STDERR, r.stderr);
      status =
        r.exitCode === 0 ? { metadata: {}, status: 'Success' } : exitStatus(command, r.exitCode);
    }
  } catch (err) {
    status = failure(500, 'InternalError', err instanceof Error ? err.message : String(err));
  }
  send(ERROR, JSON.stringify(status));
  if (ws.readyState === ws.OPEN) ws.close(1000);
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
  const lines = await streams.logs(pod);
  if (!lines) {
    const status = failure(
      400,
      'BadRequest',
      `container "${pod.spec.containers[0]?.name ?? ''}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
    );
    return void res.status(400).json(status);
  }
  const tail = Number(req.query.tailLines);
  const shown =
    Number.isInteger(tail) && tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
  res.status(200).type('text/plain');
  res.write(shown.map((l) => `${l}\n`).join(''));
  if (req.query.follow !== 'true') return void res.end();
  // Follow: the lines that come after the last one sent, every second, until the client goes.
  let last = lines.at(-1);
  const timer = setInterval(() => {
    void streams.logs(pod).then((now) => {
      if (!now) return void res.end();
      const from = last === undefined ? 0 : now.lastIndexOf(last) + 1;
      const fresh = now.slice(from);
      if (fresh.length) {
        res.write(fresh.map((l) => `${l}\n`).join(''));
        last = fresh.at(-1);
      }
    });
  }, 1000);
  res.on('close', () => clearInterval(timer));
}
