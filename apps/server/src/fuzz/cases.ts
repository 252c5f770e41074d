// One fuzz case from (seed, index): an apply over HTTP, or a WebSocket frame (live mode's `apply`
// with the same manifests, malformed JSON, unknown types, wrong fields, frames over the limit,
// binary frames). What the server must answer is checked in checks.ts.
import { type Manifest, hostileManifest } from './manifests.ts';
import { PROTO_WORDS, awkwardString, hostileValue } from './hostileValues.ts';
import { type Random, caseRandom } from './random.ts';

export interface HttpCase {
  index: number;
  channel: 'http';
  label: string;
  body: string | Uint8Array;
  contentType: string | undefined;
  /** A Content-Encoding the body does not have (gzip of plain text, an unknown coding). */
  contentEncoding?: string;
}

export interface WsCase {
  index: number;
  channel: 'ws';
  label: string;
  frame: string | Uint8Array;
}

export type FuzzCase = HttpCase | WsCase;

/** What a seed scenario's documents look like once parsed (see loadSeeds). */
export type Seeds = Record<string, unknown>[][];

/** The largest WebSocket frame the server reads (wsHub.ts's maxPayload); a larger one closes. */
export const WS_MAX_PAYLOAD = 64 * 1024;

const CONTENT_TYPES = [
  'application/yaml',
  'application/yaml',
  'application/yaml',
  'application/yaml',
  'text/yaml',
  'application/x-yaml',
  'text/plain',
  'application/json',
  'application/yaml; charset=utf-8',
  'application/yaml; charset=latin1',
  'application/yaml; charset=utf-16',
  'application/yaml; charset=nonsense',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  undefined,
];

function httpCase(r: Random, index: number, seeds: Seeds): HttpCase {
  const m: Manifest = r.chance(0.0005)
    ? { label: 'over-limit', body: `# ${'x'.repeat(1_100_000)}\n` }
    : hostileManifest(r, seeds);
  const contentType = r.chance(0.85) ? 'application/yaml' : r.pick(CONTENT_TYPES);
  const c: HttpCase = { index, channel: 'http', label: m.label, body: m.body, contentType };
  if (r.chance(0.01)) c.contentEncoding = r.pick(['gzip', 'deflate', 'br', 'x-unknown']);
  return c;
}

function apply(id: unknown, yaml: unknown): string {
  return JSON.stringify({ type: 'apply', id, yaml });
}

function wsId(r: Random, index: number): unknown {
  if (r.chance(0.9)) return `fuzz-${index}`;
  return r.pick(['', 'x'.repeat(64), 'x'.repeat(65), 7, null, ...PROTO_WORDS]);
}

function malformedJson(r: Random, seeds: Seeds): string {
  const good = apply('m', JSON.stringify(r.pick(seeds)[0]));
  const texts = [
    good.slice(0, r.int(0, good.length - 1)),
    `${good},`,
    `{type: 'apply', id: 'js', yaml: ''}`,
    '',
    ' ',
    'NaN',
    'undefined',
    '{"type":"apply","id":"d","yaml":"a","yaml":1}',
    `{"type":"apply","id":"esc","yaml":"\\ud800"}`,
    awkwardString(r, r.int(1, 100)),
  ];
  return r.pick(texts);
}

function oddMessage(r: Random, index: number): string {
  const texts: unknown[] = [
    1,
    'apply',
    null,
    [],
    true,
    { type: 'subscribe' },
    { type: r.pick(PROTO_WORDS) },
    { type: 'apply_result', id: 'x', status: 200 },
    { type: 'hello', protocolVersion: 999 },
    { type: 'ping', t: hostileValue(r) },
    { type: 'ping', t: Date.now() },
    { type: 'apply', id: `fuzz-${index}` },
    { type: 'apply', id: `fuzz-${index}`, yaml: hostileValue(r) },
    { type: 'apply', yaml: 'kind: Namespace' },
    { type: hostileValue(r), id: 'x', yaml: 'x' },
  ];
  const raw = JSON.stringify(r.pick(texts)) ?? 'null';
  // `__proto__` as a key of the message itself (JSON.stringify of a literal cannot write it).
  return r.chance(0.1) ? `{"__proto__":{"type":"apply"},"id":"p","yaml":""}` : raw;
}

function wsCase(r: Random, index: number, seeds: Seeds): WsCase {
  const n = r.int(0, 99);
  if (n < 55) {
    const m = hostileManifest(r, seeds);
    const yaml = typeof m.body === 'string' ? m.body : new TextDecoder().decode(m.body);
    return {
      index,
      channel: 'ws',
      label: `ws-apply:${m.label}`,
      frame: apply(wsId(r, index), yaml),
    };
  }
  if (n < 70)
    return { index, channel: 'ws', label: 'ws-malformed-json', frame: malformedJson(r, seeds) };
  if (n < 88) return { index, channel: 'ws', label: 'ws-odd-message', frame: oddMessage(r, index) };
  if (n < 94) {
    const size = r.int(WS_MAX_PAYLOAD + 1, 4 * WS_MAX_PAYLOAD);
    return {
      index,
      channel: 'ws',
      label: 'ws-huge-frame',
      frame: apply(`fuzz-${index}`, `# ${'x'.repeat(size)}`),
    };
  }
  const bytes = new Uint8Array(r.int(1, 2_048));
  for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(0, 255);
  return { index, channel: 'ws', label: 'ws-binary', frame: bytes };
}

/** Case `index` of the run with this seed: about two applies over HTTP for one WebSocket frame. */
export function fuzzCase(seed: number, index: number, seeds: Seeds): FuzzCase {
  const r = caseRandom(seed, index);
  return r.chance(0.65) ? httpCase(r, index, seeds) : wsCase(r, index, seeds);
}
