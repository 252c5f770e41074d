// A SPDY/3.1 client for tests, as moby/spdystream (kubectl's) writes its frames: header blocks in
// one zlib stream primed with the dictionary, sync-flushed per frame. It reads what the session
// writes back, inflating reply headers with the dictionary too (as the Go client does).
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import {
  frames,
  HEADER_DICTIONARY,
  parseHeaderBlock,
  SpdySession,
  type SpdyHeaders,
} from './spdy.ts';

const { controlFrame, dataFrame, u32, TYPE, FLAG_FIN } = frames;

export type ServerFrame =
  | { kind: 'reply'; id: number; headers: SpdyHeaders }
  | { kind: 'rst'; id: number; status: number }
  | { kind: 'ping'; id: number }
  | { kind: 'goaway'; last: number; status: number }
  | { kind: 'data'; id: number; data: Buffer; fin: boolean };

function streaming(z: Deflate | Inflate, input: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  const collect = (c: Buffer) => out.push(c);
  z.on('data', collect);
  return new Promise((resolve, reject) => {
    z.once('error', reject);
    z.write(input);
    z.flush(constants.Z_SYNC_FLUSH, () => {
      z.off('data', collect);
      z.off('error', reject);
      resolve(Buffer.concat(out));
    });
  });
}

export function headerBlock(headers: SpdyHeaders): Buffer {
  const parts = [u32(Object.keys(headers).length)];
  for (const [k, v] of Object.entries(headers)) {
    parts.push(
      u32(Buffer.byteLength(k)),
      Buffer.from(k),
      u32(Buffer.byteLength(v)),
      Buffer.from(v),
    );
  }
  return Buffer.concat(parts);
}

export class TestSpdyClient {
  readonly session: SpdySession;
  readonly received: ServerFrame[] = [];
  ended = false;
  paused = false;
  #deflate = createDeflate({ dictionary: HEADER_DICTIONARY });
  #inflate = createInflate({ dictionary: HEADER_DICTIONARY });
  #pending: Promise<void> = Promise.resolve();
  #buffer: Buffer = Buffer.alloc(0);
  /** Whether the transport says it is full (the session then waits for onDrain). */
  full = false;

  constructor() {
    this.session = new SpdySession({
      write: (frame) => {
        this.#buffer = Buffer.concat([this.#buffer, frame]);
        this.#pending = this.#pending.then(() => this.#parse());
        return !this.full;
      },
      end: () => void (this.ended = true),
      pause: () => void (this.paused = true),
      resume: () => void (this.paused = false),
    });
  }

  /** Everything the session wrote so far, parsed (reply headers inflated). */
  async frames(): Promise<ServerFrame[]> {
    await this.#pending;
    return this.received;
  }

  async synStream(id: number, headers: SpdyHeaders, fin = false): Promise<void> {
    const block = await streaming(this.#deflate, headerBlock(headers));
    const payload = Buffer.concat([u32(id, 0), Buffer.from([0, 0]), block]);
    this.session.receive(controlFrame(TYPE.SYN_STREAM, fin ? FLAG_FIN : 0, payload));
  }

  data(id: number, data: Buffer | string, fin = false): void {
    this.session.receive(dataFrame(id, Buffer.from(data), fin ? FLAG_FIN : 0));
  }

  ping(id: number): void {
    this.session.receive(controlFrame(TYPE.PING, 0, u32(id)));
  }

  raw(bytes: Buffer): void {
    this.session.receive(bytes);
  }

  rst(id: number, status = 5): void {
    this.session.receive(controlFrame(TYPE.RST_STREAM, 0, u32(id, status)));
  }

  /** The data the session sent on a stream, and whether it ended it (FIN). */
  async streamData(id: number): Promise<{ data: Buffer; fin: boolean }> {
    const all = (await this.frames()).filter((f) => f.kind === 'data' && f.id === id) as Extract<
      ServerFrame,
      { kind: 'data' }
    >[];
    return { data: Buffer.concat(all.map((f) => f.data)), fin: all.some((f) => f.fin) };
  }

  async #parse(): Promise<void> {
    while (this.#buffer.length >= 8) {
      const length = this.#buffer.readUInt32BE(4) & 0xffffff;
      if (this.#buffer.length < 8 + length) return;
      const first = this.#buffer.readUInt32BE(0);
      const flags = this.#buffer[4]!;
      const p = this.#buffer.subarray(8, 8 + length);
      this.#buffer = this.#buffer.subarray(8 + length);
      if ((first & 0x80000000) === 0) {
        this.received.push({ kind: 'data', id: first, data: p, fin: (flags & FLAG_FIN) !== 0 });
        continue;
      }
      const type = first & 0xffff;
      if (type === TYPE.SYN_REPLY) {
        const headers = parseHeaderBlock(await streaming(this.#inflate, p.subarray(4)));
        this.received.push({ kind: 'reply', id: p.readUInt32BE(0), headers });
      } else if (type === TYPE.RST_STREAM) {
        this.received.push({ kind: 'rst', id: p.readUInt32BE(0), status: p.readUInt32BE(4) });
      } else if (type === TYPE.PING) {
        this.received.push({ kind: 'ping', id: p.readUInt32BE(0) });
      } else if (type === TYPE.GOAWAY) {
        this.received.push({ kind: 'goaway', last: p.readUInt32BE(0), status: p.readUInt32BE(4) });
      }
    }
  }
}
