// SPDY/3's wire format (draft 3, section 2): the frame headers, the header dictionary and the
// uncompressed header block; spdy.ts is the session that reads and writes them.

/** The header names and values a stream was opened with (lowercased names, first values). */
export type SpdyHeaders = Record<string, string>;

export const TYPE = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;
export const FLAG_FIN = 0x01;
/** SPDY/3's header dictionary (draft 3, section 2.6.10.1): length-prefixed words, then text. */
export const HEADER_DICTIONARY = ((): Buffer => {
  // Comma-separated: one of the words ("200 OK") has a space.
  const words = [
    'options,head,post,put,delete,trace,accept,accept-charset,accept-encoding,accept-language,',
    'accept-ranges,age,allow,authorization,cache-control,connection,content-base,content-encoding,',
    'content-language,content-length,content-location,content-md5,content-range,content-type,date,',
    'etag,expect,expires,from,host,if-match,if-modified-since,if-none-match,if-range,',
    'if-unmodified-since,last-modified,location,max-forwards,pragma,proxy-authenticate,',
    'proxy-authorization,range,referer,retry-after,server,te,trailer,transfer-encoding,upgrade,',
    'user-agent,vary,via,warning,www-authenticate,method,get,status,200 OK,version,HTTP/1.1,url,',
    'public,set-cookie,keep-alive,origin',
  ]
    .join('')
    .split(',');
  const text = [
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505',
    '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized',
    '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable',
    'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT',
    'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,',
    'text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,',
    'utf-,*,enq=0.',
  ].join('');
  const parts = words.flatMap((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    return [len, Buffer.from(w, 'latin1')];
  });
  return Buffer.concat([...parts, Buffer.from(text, 'latin1')]);
})();

/** An uncompressed header block: a count, then length-prefixed names and values. */
export function parseHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  let at = 0;
  const take = (): string => {
    if (at + 4 > block.length) throw new Error('a header block ends early');
    const n = block.readUInt32BE(at);
    at += 4;
    if (at + n > block.length) throw new Error('a header block ends early');
    const s = block.subarray(at, at + n).toString('utf8');
    at += n;
    return s;
  };
  if (block.length < 4) throw new Error('a header block ends early');
  const count = block.readUInt32BE(0);
  at = 4;
  if (count > 1000) throw new Error('a header block has too many headers');
  for (let i = 0; i < count; i++) {
    const name = take().toLowerCase();
    const value = take().split('\0')[0]!;
    if (!(name in headers)) headers[name] = value;
  }
  return headers;
}

export function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE((0x8000 | 3) * 0x10000 + type);
  head.writeUInt32BE(((flags << 24) | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

export function dataFrame(id: number, data: Buffer, flags: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(id & 0x7fffffff);
  head.writeUInt32BE(((flags << 24) | data.length) >>> 0, 4);
  return Buffer.concat([head, data]);
}
