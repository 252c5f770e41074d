// A child of bench:dataplane (forked, IPC) that plays the browser: connects to the bench's
// WebSocket hub as the dashboard does, and for every open event of one Service in a
// `connection_events` frame notes how long after the event's start (conntrack's timestamp of
// the NEW line) the frame arrived here. On `stop` it reports the distribution and exits.
// Usage: wsViewer.ts <ws url> <service name>
import { WebSocket } from 'ws';
import type { ServerMessage } from '@l4lab/protocol';

const [url, service] = process.argv.slice(2);
const latencies: number[] = [];
let frames = 0;
let ended = 0;
let sampled = 0;

const ws = new WebSocket(url!);
ws.on('error', (err) => {
  process.send!({ error: err.message }, () => process.exit(1));
});
ws.on('message', (data) => {
  const receivedAt = Date.now();
  const msg = JSON.parse(String(data)) as ServerMessage;
  if (msg.type === 'hello') process.send!({ ready: true });
  if (msg.type !== 'connection_events') return;
  frames++;
  sampled += msg.sampled;
  for (const e of msg.events) {
    if (e.service.name !== service) continue;
    if (e.outcome === 'open') latencies.push(receivedAt - e.startedAt);
    else ended++;
  }
});

process.on('message', (m) => {
  if (m !== 'stop') return;
  ws.close();
  const s = latencies.sort((a, b) => a - b);
  const at = (p: number) => s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? NaN;
  process.send!(
    {
      opens: s.length,
      ended,
      frames,
      sampled,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: at(1),
    },
    () => process.exit(0),
  );
});
