// A relay process (relay.ts): kube-proxy hands it connections that stream, both sockets at once,
// and it moves their bytes on its own event loop (TcpPipe, as in the proxier) until they close.
// It reports each end to kube-proxy, then `stopped` once asked to stop (or to drain, and the last
// connection has closed); kube-proxy then lets it go, and it exits when the channel closes.
import type { TcpHandle } from './libuvTcp.ts';
import { TcpPipe } from './tcpPipe.ts';
import type { RelayReport, RelayRequest } from './relay.ts';

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
    if (draining && pipes.size === 0) report({ t: 'stopped' });
  }
}

const pipes = new Map<number, RelayedPipe>();
/** Hand-offs whose client socket came, waiting for the endpoint's. */
const halves = new Map<
  number,
  { client: TcpHandle; backend: string; bytesIn: number; bytesOut: number; timer: NodeJS.Timeout }
>();
let draining = false;

process.on('message', (m: RelayRequest, handle?: TcpHandle) => {
  switch (m.t) {
    case 'client': {
      if (!handle) {
        report({
          t: 'end',
          id: m.id,
          bytesIn: m.bytesIn,
          bytesOut: m.bytesOut,
          failure: 'relay hand-off lost the client socket',
        });
        return;
      }
      const timer = setTimeout(() => {
        halves.delete(m.id);
        if (handle.reset() !== 0) handle.close();
        report({
          t: 'end',
          id: m.id,
          bytesIn: m.bytesIn,
          bytesOut: m.bytesOut,
          failure: 'relay hand-off lost the endpoint socket: client connection reset',
        });
      }, HANDOFF_TIMEOUT_MS);
      halves.set(m.id, {
        client: handle,
        backend: m.backend,
        bytesIn: m.bytesIn,
        bytesOut: m.bytesOut,
        timer,
      });
      return;
    }
    case 'upstream': {
      const half = halves.get(m.id);
      if (!half) {
        handle?.close();
        return;
      }
      halves.delete(m.id);
      clearTimeout(half.timer);
      if (!handle) {
        if (half.client.reset() !== 0) half.client.close();
        report({
          t: 'end',
          id: m.id,
          bytesIn: half.bytesIn,
          bytesOut: half.bytesOut,
          failure: 'relay hand-off lost the endpoint socket: client connection reset',
        });
        return;
      }
      const p = new RelayedPipe(m.id, half.client, handle, half.backend);
      p.bytesIn = half.bytesIn;
      p.bytesOut = half.bytesOut;
      pipes.set(m.id, p);
      p.beginReading();
      return;
    }
    case 'stop':
      for (const p of [...pipes.values()]) p.close(false);
      for (const [id, half] of halves) {
        clearTimeout(half.timer);
        half.client.close();
        report({
          t: 'end',
          id,
          bytesIn: half.bytesIn,
          bytesOut: half.bytesOut,
          failure: 'kube-proxy stopped during the relay hand-off',
        });
      }
      halves.clear();
      report({ t: 'stopped' });
      return;
    case 'drain':
      draining = true;
      if (pipes.size === 0) report({ t: 'stopped' });
      return;
  }
});

// kube-proxy has gone (or let this relay go): nothing more will come, and nobody to report to.
process.on('disconnect', () => process.exit(0));
report({ t: 'ready' });
