// The shared token every /events client must send (X-L4lab-Agent-Token). The agent listens on
// the node's own addresses (hostNetwork), where anything that reaches the node could connect: the
// token, from a Secret `l4lab agent install` creates, keeps the stream to those who hold it (the
// l4lab server, through the API server's pods/proxy, which forwards the header).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Compared in constant time (both hashed first: timingSafeEqual wants equal lengths). */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The token file, read again at each check so a rotated Secret takes effect (the kubelet
 * updates the mounted file); a read that fails keeps the last token read.
 */
export class TokenFile {
  #last: string;

  /** Throws when the file cannot be read or holds no token: the agent must not start open. */
  constructor(readonly path: string) {
    const token = readToken(path);
    if (token === undefined) throw new Error(`cannot read the token file ${path}`);
    if (token === '') throw new Error(`the token file ${path} is empty`);
    this.#last = token;
  }

  current(): string {
    const token = readToken(this.path);
    if (token) this.#last = token;
    return this.#last;
  }

  matches(given: string | undefined): boolean {
    return tokenMatches(given, this.current());
  }
}

/** The file's text less surrounding white space (a trailing newline is common in a Secret). */
function readToken(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
