// The agent's log: one JSON object per line on stderr (level, time, msg and the fields), as pino
// writes it, so `kubectl logs` of the DaemonSet's pods reads like the server's. stdout stays free.

export interface AgentLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function jsonLogger(
  write: (line: string) => void = (line) => void process.stderr.write(line),
): AgentLogger {
  const log = (level: string) => (obj: object, msg: string) =>
    write(`${JSON.stringify({ level, time: Date.now(), msg, ...obj })}\n`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
