import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs go to stderr (JSON lines); stdout keeps the few lines a user reads. */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}
