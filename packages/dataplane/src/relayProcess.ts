// A relay process (relay.ts): kube-proxy hands it connections that stream, both sockets at once,
// and it moves their bytes on its own event loop (TcpPipe, as in the proxier) until they close.
// It reports each end to kube-proxy, then `stopped` once asked to stop (or to drain, and the last
// connection has closed); kube-proxy then lets it go, and it exits when the channel closes.
import type { TcpHandle } from './libuvTcp.ts';
import { TcpPipe } from './tcpPipe.ts';
import type { RelayReport, RelayRequest } from './relayProtocol.ts';

/** How long the second socket of a hand-off may take to arrive. */
const HANDOFF_TIMEOUT_MS = 5000;

function report(m: RelayReport): void {
  process.send?.(m);
}

class RelayedPipe extends TcpPipe {
  constructor(
    readonly id: number,
    client: TcpHandle,
    upstream: TcpHandle,
    backend: string,
  ) {
    super(client, upstream, backend);
  }

  protected ended(): void {
    pipes.delete(this.id);
    report({
      t: 'end',
      id: this.id,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      ...(this.failure ? { failure: this.failure } : {}),
    });
    if (draining && pipes.size === 0) sayStopped();
  }
}

const pipes = new Map<number, RelayedPipe>();

/** A hand-off whose client socket came, waiting for the endpoint's. */
interface Half {
  id: number;
  client: TcpHandle;
  backend: string;
  bytesIn: number;
  bytesOut: number;
  timer: NodeJS.Timeout;
}
const halves = new Map<number, Half>();
const LOST_ENDPOINT = 'relay hand-off lost the endpoint socket: client connection reset';

/** Ends a hand-off that will not complete: its client socket closed (`reset`: with a RST). */
function dropHalf(h: Half, failure: string, reset: boolean): void {
  clearTimeout(h.timer);
  halves.delete(h.id);
  if (!reset || h.client.reset() !== 0) h.client.close();
  report({ t: 'end', id: h.id, bytesIn: h.bytesIn, bytesOut: h.bytesOut, failure });
}

let draining = false;
let stoppedSaid = false;

/** Says `stopped`, once (a stop after a drain must not say it twice). */
function sayStopped(): void {
  if (stoppedSaid) return;
  stoppedSaid = true;
  report({ t: 'stopped' });
}

process.on('message', (m: RelayRequest, handle?: TcpHandle) => {
  switch (m.t) {
    case 'client': {
      if (!handle) {
        const { id, bytesIn, bytesOut } = m;
        report({
          t: 'end',
          id,
          bytesIn,
          bytesOut,
          failure: 'relay hand-off lost the client socket',
        });
        return;
      }
      const h: Half = {
        id: m.id,
        client: handle,
        backend: m.backend,
        bytesIn: m.bytesIn,
        bytesOut: m.bytesOut,
        timer: setTimeout(() => dropHalf(h, LOST_ENDPOINT, true), HANDOFF_TIMEOUT_MS),
      };
      halves.set(m.id, h);
      return;
    }
    case 'upstream': {
      const h = halves.get(m.id);
      if (!h) {
        handle?.close();
        return;
      }
      if (!handle) {
        dropHalf(h, LOST_ENDPOINT, true);
        return;
      }
      clearTimeout(h.timer);
      halves.delete(m.id);
      const p = new RelayedPipe(m.id, h.client, handle, h.backend);
      p.bytesIn = h.bytesIn;
      p.bytesOut = h.bytesOut;
      pipes.set(m.id, p);
      p.beginReading();
      return;
    }
    case 'stop':
      for (const p of [...pipes.values()]) p.close(false);
      for (const h of [...halves.values()])
        dropHalf(h, 'kube-proxy stopped during the relay hand-off', false);
      sayStopped();
      return;
    case 'drain':
      draining = true;
      if (pipes.size === 0) sayStopped();
      return;
    case 'probe':
      // kube-proxy checks that sockets reach this process before it hands it connections
      handle?.close(); // first: once the answer is out, the socket is gone
      report({ t: 'probe', socket: handle !== undefined });
      return;
    default:
      handle?.close(); // a socket with a message this relay does not know: never held open
  }
});

// kube-proxy has gone (or let this relay go): nothing more will come, and nobody to report to.
process.on('disconnect', () => process.exit(0));
report({ t: 'ready' });
