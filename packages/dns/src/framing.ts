/**
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766): each message is preceded by its length in two bytes.
 * `onMessage` is called once per complete message; a declared length beyond `maxLength` is an
 * error (the caller closes the connection).
 */
export function lengthPrefixedReader(
  onMessage: (msg: Buffer) => void,
  maxLength = 65535,
): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return function readChunk(chunk: Buffer) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 2) {
      const len = pending.readUInt16BE(0);
      if (len > maxLength || len === 0) throw new Error(`bad DNS message length ${len}`);
      if (pending.length < 2 + len) break;
      onMessage(pending.subarray(2, 2 + len));
      pending = pending.subarray(2 + len);
    }
  };
}

export function withLengthPrefix(msg: Buffer): Buffer {
  const out = Buffer.alloc(2 + msg.length);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}
