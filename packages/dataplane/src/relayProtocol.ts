// What kube-proxy (relay.ts) and its relay processes (relayProcess.ts, native/relay.c) say to
// each other over the IPC channel: one JSON object a line, sockets passed with a message by Node's
// child_process (NODE_HANDLE), acknowledged by the relay (NODE_HANDLE_ACK).

/** kube-proxy -> relay. A hand-off is two messages, one socket each (IPC passes one per message). */
export type RelayRequest =
  | { t: 'client'; id: number; backend: string; bytesIn: number; bytesOut: number }
  | { t: 'upstream'; id: number }
  /** Close every connection, report them, then `stopped`. */
  | { t: 'stop' }
  /** Take no more; `stopped` once the last connection has closed. */
  | { t: 'drain' }
  /** Sent with a socket before any hand-off: the relay closes it and says whether it came. */
  | { t: 'probe' };

/** relay -> kube-proxy. */
export type RelayReport =
  | { t: 'ready' }
  | { t: 'end'; id: number; bytesIn: number; bytesOut: number; failure?: string }
  | { t: 'stopped' }
  | { t: 'probe'; socket: boolean };
