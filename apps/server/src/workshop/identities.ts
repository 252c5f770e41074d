// Who a request is, in workshop mode: a token names a user (the instructor, the projector's
// viewer, or a student), and the user's role decides what it may do (./authorization.ts). Tokens
// are random, kept only as SHA-256 digests (in memory and in the workspace's state/workshop.json),
// compared in constant time, and never logged. Outside workshop mode there is one user, the
// instructor, behind the lab's single access token rule (../accessToken.ts).
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { StudentQuota, WorkshopUser } from '@l4lab/protocol';
import { TOKEN_COOKIE } from '../accessToken.ts';

/** At most this many students join one lab (each is real processes and sockets on this laptop). */
export const MAX_STUDENTS = 60;

/** Traffic generators one student may run at once (the instructor keeps the lab's own 8). */
export const GENERATORS_PER_STUDENT = 2;

/** Per-student limits: a student who floods hits these, not the instructor's demo. */
export const DEFAULT_STUDENT_QUOTA: StudentQuota = {
  pods: 10,
  services: 5,
  trafficRate: 200,
  generators: GENERATORS_PER_STUDENT,
};

export interface Student {
  name: string;
  namespace: string;
  joinedAt: string;
  /** SHA-256 of the student's token, hex. */
  tokenDigest: string;
  /** The tokens of their other devices (joined again with their rejoin code), as digests. */
  moreTokenDigests?: string[];
  /** SHA-256 of their rejoin code (normalized: `rejoinKey`), hex. */
  rejoinDigest?: string;
  /** Which band of node ports is theirs (./workshop.ts: nodePortBand). */
  slot: number;
  /** The namespaces lessons create for them (`<name>-nginx-ns`), besides `namespace`. */
  extraNamespaces?: string[];
  lastSeen?: number;
}

export const INSTRUCTOR: WorkshopUser = { name: 'instructor', role: 'instructor' };
export const VIEWER: WorkshopUser = { name: 'viewer', role: 'viewer' };

/** Every namespace a student owns. */
export function namespacesOf(s: Student): string[] {
  return [s.namespace, ...(s.extraNamespaces ?? [])];
}

/** A new random token (144 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

export function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Letters and digits that cannot be misread for one another (no 0/O, 1/I/L). */
const REJOIN_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * A rejoin code: 8 characters read off a screen and typed on another device (`K7P2-QX9M`), about
 * 39 bits; it only works with the join code and the student's name, for one student.
 */
export function newRejoinCode(): string {
  const chars = Array.from({ length: 8 }, () => REJOIN_ALPHABET[randomInt(REJOIN_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** What a typed code is compared as: upper case, letters and digits only. */
export function rejoinKey(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Most devices one student may join from (each a token of theirs). */
export const MAX_DEVICES = 8;

/** The token a request carries: `Authorization: Bearer`, the dashboard's cookie, or `?token=`. */
export function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === TOKEN_COOKIE)?.[1];
  if (cookie) return cookie;
  return new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The workshop's users. The instructor's and the viewer's tokens, and the join code, are made at
 * start (or given, for tests); students are added by joining and kept across restarts by the
 * caller (`students()` / `restore()`), by digest only.
 */
export class Identities {
  readonly instructorToken: string;
  readonly viewerToken: string;
  readonly joinCode: string;
  readonly #students = new Map<string, Student>();
  /** digest -> student name */
  readonly #byDigest = new Map<string, string>();

  constructor(o: { instructorToken?: string; viewerToken?: string; joinCode?: string } = {}) {
    this.instructorToken = o.instructorToken ?? newToken();
    this.viewerToken = o.viewerToken ?? newToken();
    // Short enough to type from a projector if the QR code fails; 60 bits against guessing.
    this.joinCode = o.joinCode ?? randomBytes(8).toString('base64url').slice(0, 10);
  }

  /** The user a request's token names; undefined for none or an unknown one. */
  authenticate(req: IncomingMessage): WorkshopUser | undefined {
    return this.authenticateToken(tokenOf(req));
  }

  authenticateToken(token: string | undefined): WorkshopUser | undefined {
    if (!token) return undefined;
    if (sameSecret(token, this.instructorToken)) return INSTRUCTOR;
    if (sameSecret(token, this.viewerToken)) return VIEWER;
    // A map lookup by the token's digest: what an attacker controls (the token) is hashed before
    // any comparison, so the lookup's timing tells nothing about a stored token.
    const name = this.#byDigest.get(digestOf(token));
    const student = name ? this.#students.get(name) : undefined;
    if (!student) return undefined;
    student.lastSeen = Date.now();
    return {
      name: student.name,
      role: 'student',
      namespace: student.namespace,
      namespaces: namespacesOf(student),
    };
  }

  joinCodeMatches(code: string): boolean {
    return sameSecret(code, this.joinCode);
  }

  has(name: string): boolean {
    return this.#students.has(name);
  }

  get count(): number {
    return this.#students.size;
  }

  /** The next free `student-<n>`. */
  nextName(): string {
    for (let n = 1; ; n++) if (!this.#students.has(`student-${n}`)) return `student-${n}`;
  }

  /** Which student owns a namespace (theirs or one a lesson makes for them). */
  ownerOf(namespace: string): Student | undefined {
    for (const s of this.#students.values()) if (namespacesOf(s).includes(namespace)) return s;
    return undefined;
  }

  /**
   * Adds a student (its namespace is its name) and returns the token and the rejoin code, the
   * only time either is seen.
   */
  add(
    name: string,
    extraNamespaces: string[] = [],
    now = new Date(),
  ): { student: Student; token: string; rejoinCode: string } {
    const token = newToken();
    const rejoinCode = newRejoinCode();
    const taken = new Set([...this.#students.values()].map((s) => s.slot));
    let slot = 0;
    while (taken.has(slot)) slot++;
    const student: Student = {
      name,
      namespace: name,
      joinedAt: now.toISOString(),
      tokenDigest: digestOf(token),
      rejoinDigest: digestOf(rejoinKey(rejoinCode)),
      slot,
      ...(extraNamespaces.length ? { extraNamespaces } : {}),
    };
    this.#students.set(name, student);
    this.#byDigest.set(student.tokenDigest, name);
    return { student, token, rejoinCode };
  }

  /**
   * The student of that name on another device, by their rejoin code: a token of its own (their
   * first device's still works). `wrong` when the code is not theirs, `full` past MAX_DEVICES.
   */
  rejoin(
    name: string,
    code: string,
  ): { student: Student; token: string } | 'wrong' | 'full' | undefined {
    const s = this.#students.get(name);
    if (!s) return undefined;
    if (!s.rejoinDigest || !sameSecret(digestOf(rejoinKey(code)), s.rejoinDigest)) return 'wrong';
    if ((s.moreTokenDigests?.length ?? 0) + 1 >= MAX_DEVICES) return 'full';
    const token = newToken();
    s.moreTokenDigests = [...(s.moreTokenDigests ?? []), digestOf(token)];
    this.#byDigest.set(digestOf(token), name);
    return { student: s, token };
  }

  /** A new rejoin code for that student (the one before stops working), shown this once. */
  rotateRejoinCode(name: string): string | undefined {
    const s = this.#students.get(name);
    if (!s) return undefined;
    const code = newRejoinCode();
    s.rejoinDigest = digestOf(rejoinKey(code));
    return code;
  }

  remove(name: string): Student | undefined {
    const s = this.#students.get(name);
    if (!s) return undefined;
    this.#students.delete(name);
    for (const d of [s.tokenDigest, ...(s.moreTokenDigests ?? [])]) this.#byDigest.delete(d);
    return s;
  }

  get(name: string): Student | undefined {
    return this.#students.get(name);
  }

  students(): Student[] {
    return [...this.#students.values()].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  }

  /** Puts back students saved by an earlier run (digests only: their tokens still work). */
  restore(saved: readonly Student[]): void {
    for (const s of saved) {
      this.#students.set(s.name, { ...s });
      for (const d of [s.tokenDigest, ...(s.moreTokenDigests ?? [])]) this.#byDigest.set(d, s.name);
    }
  }
}
