// A scenario carried by a link: the YAML of an editor tab, compressed (raw DEFLATE, the browser's
// own CompressionStream) and base64url-encoded into the URL's fragment, which the browser never
// sends to a server: `#scenario=<data>&title=<name>`. Decoding is bounded (a few bytes of DEFLATE
// can unpack to gigabytes), and every refusal says why in words a user can act on.

/** Most bytes of YAML a link carries, once decompressed. */
export const MAX_SCENARIO_BYTES = 256 * 1024;
/**
 * Most characters of the fragment's data: 256 KiB that does not compress at all, DEFLATE's
 * stored blocks around it, in base64url, with room to spare.
 */
export const MAX_SCENARIO_DATA_CHARS = 400_000;
/** Longest tab title kept (the workspace's editor tabs keep titles up to 200 characters). */
const MAX_TITLE_CHARS = 120;
const DEFAULT_TITLE = 'shared.yaml';

export type Decoded = { ok: true; yaml: string } | { ok: false; reason: string };
export type Encoded = { ok: true; data: string } | { ok: false; reason: string };

/** A scenario found in a fragment, not decoded yet. */
export interface SharedScenario {
  data: string;
  title: string;
}

const KIB = (n: number) => `${Math.round(n / 1024)} KiB`;

function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000; // String.fromCharCode takes its arguments on the stack
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64url(data: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(data) || data.length % 4 === 1) return undefined;
  const padded =
    data.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (data.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Inflates at most `maxBytes`: reading stops (and the stream is cancelled) as soon as more would
 * come, so a small link that unpacks to gigabytes costs only `maxBytes` of memory.
 */
async function inflateBounded(
  bytes: Uint8Array,
  maxBytes: number,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; tooLarge: boolean }> {
  const reader = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'))
    .getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, tooLarge: true };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, tooLarge: false }; // not DEFLATE data, cut short, or junk after its end
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes: out };
}

/** The YAML as a fragment's data; refused over MAX_SCENARIO_BYTES (the receiver would refuse it). */
export async function encodeScenario(yaml: string): Promise<Encoded> {
  const bytes = new TextEncoder().encode(yaml);
  if (bytes.byteLength > MAX_SCENARIO_BYTES) {
    return {
      ok: false,
      reason: `This tab is ${KIB(bytes.byteLength)}: a link carries at most ${KIB(MAX_SCENARIO_BYTES)} of YAML. Export the workspace to share it as a file.`,
    };
  }
  return { ok: true, data: toBase64url(await deflate(bytes)) };
}

/** A fragment's data back to YAML, or why it cannot be read. */
export async function decodeScenario(
  data: string,
  maxBytes = MAX_SCENARIO_BYTES,
): Promise<Decoded> {
  const damaged =
    'The link’s scenario is damaged: was the link cut short or changed when it was copied?';
  if (data === '') return { ok: false, reason: 'The link carries an empty scenario.' };
  if (data.length > MAX_SCENARIO_DATA_CHARS) {
    return {
      ok: false,
      reason: `The link is too long (${data.length} characters of scenario): links carry at most ${KIB(maxBytes)} of YAML. Share a workspace file instead.`,
    };
  }
  const bytes = fromBase64url(data);
  if (!bytes) return { ok: false, reason: damaged };
  const inflated = await inflateBounded(bytes, maxBytes);
  if (!inflated.ok) {
    return inflated.tooLarge
      ? {
          ok: false,
          reason: `The link’s scenario unpacks to more than ${KIB(maxBytes)}: it was not opened (links carry at most ${KIB(maxBytes)} of YAML).`,
        }
      : { ok: false, reason: damaged };
  }
  try {
    return { ok: true, yaml: new TextDecoder('utf-8', { fatal: true }).decode(inflated.bytes) };
  } catch {
    return { ok: false, reason: 'The link’s scenario is not text (not UTF-8): it was not opened.' };
  }
}

/** A title fit for a tab: one line, no control characters, not too long. */
export function cleanTitle(raw: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex
  const oneLine = (raw ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (oneLine === '') return DEFAULT_TITLE;
  return [...oneLine].slice(0, MAX_TITLE_CHARS).join('');
}

/** `#scenario=<data>&title=<name>` */
export function scenarioFragment(data: string, title: string): string {
  return `#${new URLSearchParams({ scenario: data, title: cleanTitle(title) }).toString()}`;
}

/** The scenario a location's fragment carries (`location.hash`), or undefined when it has none. */
export function readScenarioFragment(hash: string): SharedScenario | undefined {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const data = params.get('scenario');
  if (data === null) return undefined;
  return { data, title: cleanTitle(params.get('title')) };
}

/**
 * The whole link: the dashboard's address (never its query, which may carry the page's access
 * token) with the scenario in the fragment.
 */
export async function scenarioLink(origin: string, yaml: string, title: string): Promise<Encoded> {
  const encoded = await encodeScenario(yaml);
  if (!encoded.ok) return encoded;
  return { ok: true, data: `${origin}/${scenarioFragment(encoded.data, title)}` };
}
