import type { ServerMessage } from '@l4lab/protocol';
import type { SocketConnection } from './connectSocket.ts';
import type { ApplyOutcome } from './http.ts';

type ApplyResult = Extract<ServerMessage, { type: 'apply_result' }>;

let socket: SocketConnection | undefined;
let seq = 0;
const pending = new Map<string, (r: ApplyResult) => void>();

/** The page's one server socket (set by useServerConnection). */
export function setApplySocket(s: SocketConnection | undefined): void {
  socket = s;
}

/** An `apply_result` from the server settles the live apply that asked for it. */
export function settleApply(msg: ApplyResult): void {
  pending.get(msg.id)?.(msg);
  pending.delete(msg.id);
}

/**
 * Live mode's transport: the text goes over the WebSocket (`apply`), the answer comes back as
 * `apply_result` with POST /api/apply's status and body. Undefined when the socket is not open.
 */
export function applyOverSocket(
  yaml: string,
  timeoutMs = 10_000,
): Promise<ApplyOutcome> | undefined {
  const id = `live-${++seq}`;
  if (!socket?.send({ type: 'apply', id, yaml })) return undefined;
  return new Promise<ApplyOutcome>((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      resolve({ ok: false, errors: [], message: 'the server did not answer the live apply' });
    }, timeoutMs);
    pending.set(id, (r) => {
      clearTimeout(timer);
      if (r.status === 200)
        resolve({ ok: true, results: r.results ?? [], warnings: r.warnings ?? [] });
      else {
        const n = r.errors?.length ?? 0;
        resolve({
          ok: false,
          errors: r.errors ?? [],
          message: `${n} ${n === 1 ? 'error' : 'errors'}: nothing applied`,
        });
      }
    });
  });
}
