import { describe, expect, it } from 'vitest';
import { frames, HEADER_DICTIONARY, RST_REFUSED_STREAM } from './spdy.ts';
import { TestSpdyClient } from './spdyTestClient.ts';

/** zlib's dictionary id: the dictionary's Adler-32 (RFC 1950). */
function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

describe('SpdySession (the server side of SPDY/3.1)', () => {
  it("has draft 3's header dictionary (its zlib id, e3c6a7c2, is what clients prime with)", () => {
    expect(HEADER_DICTIONARY.length).toBe(1423);
    expect(adler32(HEADER_DICTIONARY).toString(16)).toBe('e3c6a7c2');
  });

  it('replies to each stream, with headers an inflater reads, and hands it over with its headers', async () => {
    const c = new TestSpdyClient();
    const opened: [number, Record<string, string>][] = [];
    c.session.onStream = (s) => opened.push([s.id, s.headers]);
    await c.synStream(1, { streamtype: 'error', port: '80', requestid: '0' });
    await c.synStream(3, { streamtype: 'data', port: '80', requestid: '0' });
    await expect.poll(() => opened.length).toBe(2);
    expect(opened).toEqual([
      [1, { streamtype: 'error', port: '80', requestid: '0' }],
      [3, { streamtype: 'data', port: '80', requestid: '0' }],
    ]);
    expect(await c.frames()).toEqual([
      { kind: 'reply', id: 1, headers: {} },
      { kind: 'reply', id: 3, headers: {} },
    ]);
  });

  it('carries data both ways, half-closes with FIN, echoes pings, and forgets reset streams', async () => {
    const c = new TestSpdyClient();
    const got: string[] = [];
    let ended = false;
    let reset = false;
    c.session.onStream = (s) => {
      s.onData = (d) => {
        got.push(d.toString());
        s.write(Buffer.from(d.toString().toUpperCase()));
      };
      s.onEnd = () => {
        ended = true;
        s.end();
      };
      s.onReset = () => void (reset = true);
    };
    await c.synStream(1, { a: 'b' });
    await expect.poll(() => c.session.openStreams).toBe(1);
    c.data(1, 'hello');
    c.data(1, '', true);
    c.ping(7);
    c.ping(8); // a server's id: not echoed
    expect(got).toEqual(['hello']);
    expect(ended).toBe(true);
    expect(await c.streamData(1)).toEqual({ data: Buffer.from('HELLO'), fin: true });
    expect((await c.frames()).filter((f) => f.kind === 'ping')).toEqual([{ kind: 'ping', id: 7 }]);
    // Both sides ended it: the stream is done, and what comes late on it is dropped.
    expect(c.session.openStreams).toBe(0);
    c.data(1, 'late');
    expect(got).toEqual(['hello']);
    await c.synStream(3, {});
    await expect.poll(() => c.session.openStreams).toBe(1);
    c.rst(3);
    expect(reset).toBe(true);
    expect(c.session.openStreams).toBe(0);
  });

  it('refuses streams the handler refuses, and ids that do not grow, with RST_STREAM', async () => {
    const c = new TestSpdyClient();
    const refused: string[] = [];
    c.session.refuse = (h) => (h['port'] === 'x' ? 'bad port' : undefined);
    c.session.onRefused = (_h, why) => refused.push(why);
    await c.synStream(1, { port: 'x' });
    await c.synStream(5, { port: '1' });
    await c.synStream(3, { port: '1' }); // lower than 5
    await expect.poll(async () => (await c.frames()).length).toBe(3);
    expect(await c.frames()).toEqual([
      { kind: 'rst', id: 1, status: RST_REFUSED_STREAM },
      { kind: 'reply', id: 5, headers: {} },
      { kind: 'rst', id: 3, status: 1 },
    ]);
    expect(refused).toEqual(['bad port']);
  });

  it('ends the session with GOAWAY on a frame it cannot read (another version, a huge frame)', async () => {
    for (const bad of [
      frames.controlFrame(frames.TYPE.PING, 0, frames.u32(1)).fill(0x82, 0, 2), // version 0x0282
      Buffer.from([0x80, 3, 0, 6, 0, 0xff, 0xff, 0xff]), // 16 MB
    ]) {
      const c = new TestSpdyClient();
      const errors: string[] = [];
      c.session.onError = (m) => errors.push(m);
      c.raw(bad);
      await expect.poll(() => c.ended).toBe(true);
      expect(errors).toHaveLength(1);
      expect((await c.frames()).at(-1)).toMatchObject({ kind: 'goaway', status: 1 });
    }
  });

  it('reads frames split anywhere across the transport', async () => {
    const c = new TestSpdyClient();
    const got: string[] = [];
    c.session.onStream = (s) => (s.onData = (d) => got.push(d.toString()));
    await c.synStream(1, {});
    await expect.poll(() => c.session.openStreams).toBe(1);
    const bytes = Buffer.concat([
      frames.dataFrame(1, Buffer.from('abc'), 0),
      frames.dataFrame(1, Buffer.from('def'), 0),
    ]);
    for (const b of bytes) c.raw(Buffer.from([b]));
    expect(got).toEqual(['abc', 'def']);
  });

  it('a closed transport resets every stream', async () => {
    const c = new TestSpdyClient();
    let resets = 0;
    c.session.onStream = (s) => (s.onReset = () => resets++);
    await c.synStream(1, {});
    await c.synStream(3, {});
    await expect.poll(() => c.session.openStreams).toBe(2);
    c.session.closed();
    expect(resets).toBe(2);
    expect(c.session.openStreams).toBe(0);
  });
});
