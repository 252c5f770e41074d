// The dashboard's one-shot exec (`POST /api/pods/{ns}/{name}/exec {"command"}`) in remote mode:
// the command runs in the container it names (the pod's first without one) through the API server's exec subresource
// (client-node's Exec, a WebSocket), as `kubectl exec <pod> -- <argv>`: no shell, the words of the
// command are its argv. No trace: what a real pod's command resolved and dialled is not seen here.
import { Writable } from 'node:stream';
import express, { type Router } from 'express';
import { Exec, type V1Status } from '@kubernetes/client-node';
import { execRequestSchema, podContainer, type ExecResponse } from '@l4lab/protocol';
import type { ObjectStore } from '@l4lab/cluster';
import { sendError } from '../httpError.ts';
import type { KubeClient } from './kubeClient.ts';

/** Most output kept per stream, and longest a command runs (then it is cut off). */
const MAX_OUTPUT = 1024 * 1024;
const TIMEOUT_MS = 30_000;
const MAX_SESSIONS = 8;

/** `wget -qO- 'http://a b'` -> ['wget', '-qO-', 'http://a b']: words, with '...' and "..." quoting. */
export function commandWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\\.|[^\s'"\\]+)|(\s+)/g;
  let word: string | undefined;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[4] !== undefined) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    const part = m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]!.replace(/\\(.)/g, '$1');
    word = (word ?? '') + part;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The exit code in an exec's final Status (`NonZeroExitCode`, cause `ExitCode`). */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  return code !== undefined && /^\d+$/.test(code) ? Number(code) : 1;
}

function collector(): { stream: Writable; text: () => string; truncated: () => boolean } {
  let text = '';
  let cut = false;
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (text.length < MAX_OUTPUT)
        text += chunk.toString('utf8').slice(0, MAX_OUTPUT - text.length);
      else cut = true;
      done();
    },
  });
  return { stream, text: () => text, truncated: () => cut };
}

export function remoteExecRoutes(client: KubeClient, store: ObjectStore): Router {
  const r = express.Router();
  let running = 0;
  r.post(
    '/pods/:namespace/:name/exec',
    express.json({ limit: '16kb' }),
    async function execInPod(req, res) {
      const { namespace, name } = req.params;
      const parsed = execRequestSchema.safeParse(req.body ?? {});
      if (!parsed.success)
        return sendError(
          res,
          422,
          'L4_E_BAD_EXEC',
          parsed.error.issues.map((i) => i.message).join('; '),
        );
      const pod = store.get('Pod', namespace, name);
      if (!pod) return sendError(res, 404, 'L4_E_NOT_FOUND', `pods "${name}" not found`);
      const container = parsed.data.container ?? pod.spec.containers[0]?.name ?? '';
      if (!podContainer(pod, container))
        return sendError(
          res,
          400,
          'L4_E_BAD_EXEC',
          `container ${container} is not valid for pod ${name}`,
        );
      const argv = commandWords(parsed.data.command);
      if (running >= MAX_SESSIONS)
        return sendError(
          res,
          429,
          'L4_E_TOO_MANY_REQUESTS',
          `Too many requests: ${running} exec sessions are running, the most l4lab runs at once in remote mode; wait for one to end`,
        );
      running++;
      const stdout = collector();
      const stderr = collector();
      let socket: { close(): void } | undefined;
      let timedOut = false;
      try {
        const status = await new Promise<V1Status | undefined>((done, fail) => {
          const timer = setTimeout(() => {
            timedOut = true;
            socket?.close();
            done(undefined);
          }, TIMEOUT_MS);
          res.on('close', () => {
            if (!res.writableFinished) socket?.close();
          });
          new Exec(client.kubeConfig)
            .exec(
              namespace,
              name,
              container,
              argv,
              stdout.stream,
              stderr.stream,
              null,
              false,
              (s) => {
                clearTimeout(timer);
                done(s);
              },
            )
            .then((ws) => {
              socket = ws;
              ws.on('close', () => {
                clearTimeout(timer);
                done(undefined);
              });
            }, fail);
        });
        // An exec refused before it ran (no such container, forbidden) ends with its Status only.
        const refused =
          status && status.status !== 'Success' && status.reason !== 'NonZeroExitCode';
        const body: ExecResponse = {
          stdout: stdout.text(),
          stderr:
            stderr.text() +
            (refused ? `error: ${status.message ?? status.reason ?? 'exec failed'}\n` : ''),
          exitCode: status ? exitCodeOf(status) : timedOut ? 124 : 1,
          trace: [],
          ...(stdout.truncated() || stderr.truncated() ? { truncated: true } : {}),
          ...(timedOut ? { timedOut: true } : {}),
        };
        if (!res.headersSent && !res.destroyed) res.json(body);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        sendError(res, 502, 'L4_E_REMOTE_EXEC', `error: unable to upgrade connection: ${message}`);
      } finally {
        running--;
      }
    },
  );
  return r;
}
