import type { Logger } from '../logger.ts';
import { readJsonFile, removeTempFiles, setAside, writeFileAtomic } from './atomicFile.ts';

/** A line the server prints at start about the saved state (what came back, what was set aside). */
export interface StateNote {
  level: 'info' | 'warn';
  text: string;
}

export type StateCheck<T> =
  | { ok: true; value: T }
  /** `setAsideAs` names the moved file (`<file>.<setAsideAs>-<timestamp>`; default `corrupt`). */
  | { ok: false; reason: string; setAsideAs?: string };

/**
 * Loads a state file of the workspace. One that cannot be read, parsed or used is moved aside with
 * one clear note, and the lab starts without it: a damaged file never stops the lab.
 */
export async function loadStateFile<T>(
  file: string,
  what: string,
  check: (value: unknown) => StateCheck<T>,
): Promise<{ value?: T; note?: StateNote }> {
  await removeTempFiles(file).catch(() => {}); // left there, they harm nothing
  const read = await readJsonFile(file);
  if (read.state === 'missing') return {};
  const checked: StateCheck<T> =
    read.state === 'parsed' ? check(read.value) : { ok: false, reason: read.reason };
  if (checked.ok) return { value: checked.value };
  const movedTo = await setAside(file, checked.setAsideAs ?? 'corrupt');
  const where = movedTo ? `moved to ${movedTo}` : 'and it could not be moved aside';
  return {
    note: {
      level: 'warn',
      text: `${what} in ${file} was not restored (${checked.reason}), ${where}; starting without it`,
    },
  };
}

/**
 * Writes a file of the workspace at most once per `delayMs` after a change, so a busy apply does
 * not write once per object; the content is rendered when written, not when changed. Writes never
 * overlap, and a failing disk is reported once, not on every change.
 */
export class DebouncedWriter {
  readonly #file: string;
  readonly #render: () => string;
  readonly #delayMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #closed = false;
  #failing: string | undefined;

  constructor(file: string, render: () => string, o: { delayMs: number; logger: Logger }) {
    this.#file = file;
    this.#render = render;
    this.#delayMs = o.delayMs;
    this.#logger = o.logger;
  }

  /** Something changed: it is written within `delayMs` (with whatever changes meanwhile). */
  changed(): void {
    if (this.#closed) return;
    this.#dirty = true;
    this.#schedule();
  }

  /** Writes what is pending now and waits for it (server shutdown, tests). */
  async flush(): Promise<void> {
    await this.#writing;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty) await this.#write();
  }

  /** The last write: nothing is written after it. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(): void {
    if (this.#timer || this.#writing) return; // the running write reschedules when it ends
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#dirty) void this.#write();
    }, this.#delayMs);
    this.#timer.unref();
  }

  #write(): Promise<void> {
    this.#dirty = false;
    const run = writeFileAtomic(this.#file, this.#render())
      .then(
        () => this.#succeeded(),
        (err: unknown) => this.#failed(err),
      )
      .finally(() => {
        this.#writing = undefined;
        if (this.#dirty && !this.#closed) this.#schedule();
      });
    this.#writing = run;
    return run;
  }

  #succeeded(): void {
    if (this.#failing === undefined) return;
    this.#failing = undefined;
    this.#logger.info({ file: this.#file }, 'saving the lab state works again');
  }

  #failed(err: unknown): void {
    this.#dirty = true; // what was not written is still to write
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    if (this.#failing === code) return;
    this.#failing = code;
    this.#logger.warn(
      { file: this.#file, err: String(err) },
      'cannot save the lab state (it is kept in memory; free disk space or fix permissions)',
    );
  }
}
