// A child of bench:dataplane (forked, IPC): opens new connections at a steady rate for a bounded
// time, each one HTTP request with `Connection: close`, then reports what it did and exits.
// wrk cannot hold a rate; this can. Usage: connectionLoad.ts <ip> <port> <per second> <seconds>
// (the bench gives it a loopback address inside its own network namespace).
import { connect } from 'node:net';

const [ip, portText, rateText, secondsText] = process.argv.slice(2);
const port = Number(portText);
const rate = Number(rateText);
const seconds = Number(secondsText);
/** Connections in flight at most: a stalled server slows the load instead of piling it up. */
const MAX_IN_FLIGHT = 1000;
const TICK_MS = 5;
const REQUEST = 'GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n';

let issued = 0;
let inFlight = 0;
let answered = 0;
let failed = 0;

function once(): void {
  issued++;
  inFlight++;
  let got = false;
  const s = connect({ host: ip!, port });
  s.setTimeout(5000, () => s.destroy());
  s.on('connect', () => s.write(REQUEST));
  s.on('data', () => (got = true));
  s.on('error', () => {});
  s.on('close', () => {
    inFlight--;
    if (got) answered++;
    else failed++;
  });
}

async function main(): Promise<void> {
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  while (issued < total) {
    const due = Math.min(total, Math.floor((rate * (performance.now() - t0)) / 1000));
    while (issued < due && inFlight < MAX_IN_FLIGHT) once();
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  const sentMs = performance.now() - t0;
  for (let i = 0; i < 1000 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 5));
  process.send!({ issued, answered, failed, seconds: sentMs / 1000 }, () => process.exit(0));
}

void main();
