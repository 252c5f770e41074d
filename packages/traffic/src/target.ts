/** A traffic target: `name[:port]` (a Service DNS name) or `ip[:port]`. */
export interface Target {
  host: string;
  port: number;
}

export class TargetError extends Error {
  readonly code: string;
  /** The HTTP status the API answers with (422 unless the source or target does not exist). */
  readonly status: number;
  constructor(code: string, message: string, status = 422) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export function parseTarget(target: string, defaultPort = 80): Target {
  const m = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(target.trim());
  if (!m) throw new TargetError('L4_E_BAD_TARGET', `target "${target}" is not host[:port]`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (port < 1 || port > 65535) {
    throw new TargetError(
      'L4_E_BAD_TARGET',
      `target "${target}": port must be between 1 and 65535, inclusive`,
    );
  }
  return { host: m[1]!.toLowerCase(), port };
}

export function isIPv4(s: string): boolean {
  return (
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) &&
    s.split('.').every((x) => Number(x) <= 255)
  );
}
