import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const NATIVE_SOURCE = fileURLToPath(new URL('../native/relay.c', import.meta.url));
const NATIVE_BUILD_DIR = fileURLToPath(new URL('../native/.build/', import.meta.url));
/**
 * Every warning is an error: the relay reads sockets and lengths from another process, and a
 * compiler that warns about it (a new one, a new libc) gets Node relays rather than a guess.
 */
export const NATIVE_CFLAGS = ['-O2', '-Wall', '-Wextra', '-Werror'];

/**
 * The native relay (native/relay.c), built once per version of its source and flags with the
 * system's C compiler ($CC, else `cc`) into native/.build/. `error` when it cannot be built (no
 * compiler, a warning, not Linux): relays then run on Node (relayProcess.ts).
 */
export function nativeRelay(): Promise<{ path?: string; error?: string }> {
  return (nativeBuild ??= buildNative());
}
let nativeBuild: Promise<{ path?: string; error?: string }> | undefined;

async function buildNative(): Promise<{ path?: string; error?: string }> {
  if (process.platform !== 'linux') return { error: `epoll is Linux's (${process.platform})` };
  try {
    const hash = createHash('sha256')
      .update(`${process.platform}-${process.arch} ${NATIVE_CFLAGS.join(' ')}\n`)
      .update(await readFile(NATIVE_SOURCE))
      .digest('hex')
      .slice(0, 16);
    const path = join(NATIVE_BUILD_DIR, `relay-${hash}`);
    if (existsSync(path)) return { path };
    await mkdir(NATIVE_BUILD_DIR, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await promisify(execFile)(process.env.CC ?? 'cc', [
        ...NATIVE_CFLAGS,
        '-o',
        tmp,
        NATIVE_SOURCE,
      ]);
      await rename(tmp, path); // atomic: another process building it at the same time is fine
    } finally {
      await rm(tmp, { force: true });
    }
    return { path };
  } catch (err) {
    return { error: compilerError(err) };
  }
}

/** The compiler's first complaint (`relay.c:12:3: error: unused variable 'x'`), else the error. */
export function compilerError(err: unknown): string {
  const stderr = String((err as { stderr?: unknown }).stderr ?? '');
  const first = stderr.split('\n').find((l) => /\b(error|warning)\b/.test(l));
  return first?.trim() ?? String((err as Error).message).split('\n')[0]!;
}
