// SPDY/3.1, the server's side, as Kubernetes' streaming uses it (`kubectl port-forward`: the
// client opens streams, the server replies, echoes PINGs and carries data both ways). The framing
// is SPDY draft 3 (control frames: 1 bit, version 3, type; data frames: a 31-bit stream id; then
// 8 bits of flags and a 24-bit length). Header blocks are one zlib stream per direction, primed
// with the draft's dictionary: the client's is inflated with it; this side writes its (empty)
// replies as stored deflate blocks, which any inflater reads. The client (moby/spdystream) has no
// flow control, so WINDOW_UPDATE and SETTINGS are read and dropped, and TCP paces both ways.
import { constants, createInflate, type Inflate } from 'node:zlib';
import {
  controlFrame,
  dataFrame,
  FLAG_FIN,
  HEADER_DICTIONARY,
  parseHeaderBlock,
  type SpdyHeaders,
  TYPE,
  u32,
} from './spdyFrames.ts';

export { HEADER_DICTIONARY, parseHeaderBlock, type SpdyHeaders } from './spdyFrames.ts';

export const RST_PROTOCOL_ERROR = 1;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;
export const RST_INTERNAL_ERROR = 6;

/** What one frame may carry here (the client writes data frames of 32 KiB at most). */
const MAX_FRAME = 1 << 20;
/** What may wait unread before the session stops reading from the client. */
const MAX_BUFFERED = 2 * MAX_FRAME;
/** An inflated header block's size limit (a port-forward stream's has three short headers). */
const MAX_HEADER_BLOCK = 64 * 1024;
/** Data frames written to the client: what spdystream reads in one go. */
const DATA_CHUNK = 32 * 1024;

/** Where the session's frames go (a socket after the 101, or WebSocket binary messages). */
export interface SpdyTransport {
  /** false: the transport's buffer is full; `resume` is called once it drained. */
  write(frame: Buffer): boolean;
  end(): void;
  /** Stop / restart reading from the client (a stream's far end is full). */
  pause(): void;
  resume(): void;
}

/** One stream the client opened. */
export class SpdyStream {
  readonly id: number;
  readonly headers: SpdyHeaders;
  /** Data from the client. */
  onData: (chunk: Buffer) => void = () => {};
  /** The client's half-close (FIN): no more data comes. */
  onEnd: () => void = () => {};
  /** The stream is gone (the client reset it, or the session ended). */
  onReset: () => void = () => {};
  #session: SpdySession;
  #sentFin = false;
  #remoteFin = false;
  #gone = false;

  constructor(session: SpdySession, id: number, headers: SpdyHeaders) {
    this.#session = session;
    this.id = id;
    this.headers = headers;
  }

  get closedHere(): boolean {
    return this.#sentFin || this.#gone;
  }

  /** Data to the client; false when the transport is full (wait for the session's drain). */
  write(data: Buffer): boolean {
    if (this.closedHere) return true;
    let ok = true;
    for (let at = 0; at < data.length; at += DATA_CHUNK)
      ok = this.#session.send(dataFrame(this.id, data.subarray(at, at + DATA_CHUNK), 0)) && ok;
    return ok;
  }

  /** This side's half-close: an empty data frame with FIN (the stream is done once both are). */
  end(): void {
    if (this.closedHere) return;
    this.#sentFin = true;
    this.#session.send(dataFrame(this.id, Buffer.alloc(0), FLAG_FIN));
    if (this.#remoteFin) this.#session.forget(this.id);
  }

  /** Ends this side and stops reading: whatever the client still sends on it is dropped. */
  close(): void {
    this.end();
    this.onData = () => {};
    this.onEnd = () => {};
    this.onReset = () => {};
    this.#session.forget(this.id);
  }

  reset(status = RST_CANCEL): void {
    if (this.#gone) return;
    this.#session.send(controlFrame(TYPE.RST_STREAM, 0, u32(this.id, status)));
    this.gone();
  }

  /** @internal data from the client, until its FIN. */
  received(data: Buffer, fin: boolean): void {
    if (this.#remoteFin || this.#gone) return;
    if (data.length) this.onData(data);
    if (!fin || this.#gone) return;
    this.#remoteFin = true;
    this.onEnd();
    if (this.#sentFin) this.#session.forget(this.id);
  }

  /** @internal the session drops the stream: it is reset or the session ended. */
  gone(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#session.forget(this.id);
    this.onReset();
  }
}

/**
 * A server-side SPDY/3.1 session over a byte transport: `receive` what the client sends; every
 * stream it opens is replied to at once and handed to `onStream`.
 */
export class SpdySession {
  /**
   * Whether to take a stream the client opens, by its headers: undefined takes it (replied to at
   * once, then handed to `onStream`); a reason refuses it (RST_STREAM, REFUSED_STREAM).
   */
  refuse: (headers: SpdyHeaders) => string | undefined = () => undefined;
  /** Called for every stream taken, after its reply went out. */
  onStream: (stream: SpdyStream) => void = () => {};
  /** The session ended (the transport closed, or GOAWAY went out). */
  onClosed: () => void = () => {};
  /** A stream was refused, and why. */
  onRefused: (headers: SpdyHeaders, reason: string) => void = () => {};
  /** The transport can take more after a write returned false. */
  onDrain: () => void = () => {};
  /** A protocol error ended the session (it sent GOAWAY and ended the transport). */
  onError: (message: string) => void = () => {};
  readonly #transport: SpdyTransport;
  readonly #streams = new Map<number, SpdyStream>();
  /** What came from the client and is not read yet (chunks, joined when a frame needs it). */
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Reading stopped because too much waits (a header block being inflated holds the rest). */
  #heldForInput = false;
  #pumping = false;
  #ended = false;
  #lastStreamId = 0;
  #inflate: Inflate | undefined;
  #wroteZlibHeader = false;

  constructor(transport: SpdyTransport) {
    this.#transport = transport;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes from the client, in order. */
  receive(chunk: Buffer): void {
    if (this.#ended || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered > MAX_BUFFERED && !this.#heldForInput) {
      this.#heldForInput = true;
      this.holdInput();
    }
    if (!this.#pumping) void this.#pump();
  }

  /** The first `n` bytes waiting, joined (at most one copy, when they span chunks). */
  #peek(n: number): Buffer | undefined {
    if (this.#buffered < n) return undefined;
    if (this.#chunks[0]!.length < n) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0]!.subarray(0, n);
  }

  #consume(n: number): void {
    this.#buffered -= n;
    const first = this.#chunks[0]!.subarray(n);
    if (first.length) this.#chunks[0] = first;
    else this.#chunks.shift();
  }

  /** The transport closed: every stream is gone. */
  closed(): void {
    if (this.#ended && this.#streams.size === 0) return;
    this.#ended = true;
    this.#inflate?.destroy();
    for (const s of [...this.#streams.values()]) s.gone();
    this.onClosed();
  }

  /** Ends the session: GOAWAY (OK) naming the last stream taken, then the transport's end. */
  goAway(status = 0): void {
    if (this.#ended) return;
    this.send(controlFrame(TYPE.GOAWAY, 0, u32(this.#lastStreamId, status)));
    this.#transport.end();
    this.closed();
  }

  /** @internal */
  send(frame: Buffer): boolean {
    if (this.#ended) return true;
    return this.#transport.write(frame);
  }

  /** @internal */
  forget(id: number): void {
    this.#streams.delete(id);
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  #paused = 0;
  /** Reading from the client stops until every `holdInput` is matched by a `releaseInput`. */
  holdInput(): void {
    if (this.#paused++ === 0) this.#transport.pause();
  }

  releaseInput(): void {
    if (this.#paused > 0 && --this.#paused === 0) this.#transport.resume();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      for (let head = this.#peek(8); head && !this.#ended; head = this.#peek(8)) {
        const length = head.readUInt32BE(4) & 0xffffff;
        if (length > MAX_FRAME) return this.#fail(`a frame of ${length} bytes is too large`);
        const frame = this.#peek(8 + length);
        if (!frame) break;
        this.#consume(8 + length);
        // Only a header block waits (its inflation); data and the rest are handled at once.
        const pending = this.#frame(frame.subarray(0, 8), frame.subarray(8));
        if (pending) await pending;
      }
    } catch (err) {
      this.#fail(err instanceof Error ? err.message : String(err));
    } finally {
      this.#pumping = false;
      if (this.#heldForInput && this.#buffered <= MAX_BUFFERED) {
        this.#heldForInput = false;
        this.releaseInput();
      }
    }
  }

  #frame(head: Buffer, payload: Buffer): Promise<void> | void {
    const first = head.readUInt32BE(0);
    const flags = head[4]!;
    if ((first & 0x80000000) === 0) return this.#data(first & 0x7fffffff, flags, payload);
    const version = (first >>> 16) & 0x7fff;
    const type = first & 0xffff;
    if (version !== 3) return this.#fail(`SPDY version ${version} is not served (3.1 is)`);
    switch (type) {
      case TYPE.SYN_STREAM: {
        if (payload.length < 10) return this.#fail('a SYN_STREAM frame is too short');
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        return this.#headerBlock(payload.subarray(10)).then((h) => this.#open(id, flags, h));
      }
      case TYPE.SYN_REPLY:
      case TYPE.HEADERS:
        // Not expected from a client; inflated all the same, to keep the zlib stream in step.
        if (payload.length < 4) return this.#fail('a header frame is too short');
        return this.#headerBlock(payload.subarray(4)).then(() => {});
      case TYPE.RST_STREAM:
        if (payload.length !== 8) return this.#fail('a RST_STREAM frame is not 8 bytes');
        this.#streams.get(payload.readUInt32BE(0) & 0x7fffffff)?.gone();
        return;
      case TYPE.PING:
        if (payload.length !== 4) return this.#fail('a PING frame is not 4 bytes');
        // The client's pings (odd ids) come back as they came; this side sends none.
        if (payload.readUInt32BE(0) % 2 === 1) this.send(controlFrame(TYPE.PING, 0, payload));
        return;
      case TYPE.GOAWAY:
        // The client takes no new streams: the open ones finish, then it closes the transport.
        return;
      case TYPE.SETTINGS:
      case TYPE.WINDOW_UPDATE:
        return; // no flow control on either side (see the header)
      default:
        return; // unknown control frames are ignored (draft 3, 2.2.1)
    }
  }

  #open(id: number, flags: number, headers: SpdyHeaders): void {
    if (id === 0 || id % 2 === 0 || id <= this.#lastStreamId) {
      this.send(controlFrame(TYPE.RST_STREAM, 0, u32(id, RST_PROTOCOL_ERROR)));
      return;
    }
    this.#lastStreamId = id;
    const reason = this.refuse(headers);
    if (reason !== undefined) {
      this.send(controlFrame(TYPE.RST_STREAM, 0, u32(id, RST_REFUSED_STREAM)));
      return this.onRefused(headers, reason);
    }
    const stream = new SpdyStream(this, id, headers);
    this.#streams.set(id, stream);
    // SYN_REPLY with no headers: a zero count, in a stored block of the reply zlib stream.
    this.send(controlFrame(TYPE.SYN_REPLY, 0, Buffer.concat([u32(id), this.#storedBlock(u32(0))])));
    this.onStream(stream);
    if (flags & FLAG_FIN) stream.received(Buffer.alloc(0), true);
  }

  #data(id: number, flags: number, payload: Buffer): void {
    // A stream already gone, or closed here: its late data is dropped.
    this.#streams.get(id)?.received(payload, (flags & FLAG_FIN) !== 0);
  }

  /**
   * The zlib stream's next bytes for one uncompressed header block: a stored block, then an empty
   * one, as zlib's sync flush ends a block (an inflater hands over what it has on the empty one).
   */
  #storedBlock(block: Buffer): Buffer {
    const stored = (data: Buffer) => {
      const head = Buffer.alloc(5);
      head[0] = 0; // BFINAL 0, BTYPE 00 (stored), then padding to the byte
      head.writeUInt16LE(data.length, 1);
      head.writeUInt16LE(~data.length & 0xffff, 3);
      return [head, data];
    };
    const header = this.#wroteZlibHeader ? [] : [Buffer.from([0x78, 0x01])];
    this.#wroteZlibHeader = true;
    return Buffer.concat([...header, ...stored(block), ...stored(Buffer.alloc(0))]);
  }

  /** Inflates the client's next header block (its zlib stream, sync-flushed per frame). */
  async #headerBlock(compressed: Buffer): Promise<SpdyHeaders> {
    this.#inflate ??= createInflate({ dictionary: HEADER_DICTIONARY });
    const z = this.#inflate;
    const out: Buffer[] = [];
    let size = 0;
    let settle = (): void => {};
    const collect = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_HEADER_BLOCK) return void out.push(c);
      // A block that inflates past the limit ends the session (#fail); the inflater goes now.
      z.destroy();
      settle();
    };
    z.on('data', collect);
    try {
      await new Promise<void>((resolve, reject) => {
        settle = resolve;
        z.once('error', reject);
        z.write(compressed);
        z.flush(constants.Z_SYNC_FLUSH, () => {
          z.off('error', reject);
          resolve();
        });
      });
    } finally {
      z.off('data', collect);
    }
    if (size > MAX_HEADER_BLOCK) throw new Error('a header block is too large');
    return parseHeaderBlock(Buffer.concat(out));
  }

  #fail(message: string): void {
    if (this.#ended) return;
    this.onError(message);
    this.goAway(1); // PROTOCOL_ERROR
  }
}

/** For tests: the frames a client writes (SYN_STREAM with a compressed header block, data...). */
export const frames = { controlFrame, dataFrame, u32, TYPE, FLAG_FIN };
