/** Most bytes a viewer may have waiting before it counts as too slow. */
export const MAX_BUFFERED = 4 * 1024 * 1024;

/** What `deliver` needs of a WebSocket (ws's). */
export interface Viewer {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  terminate(): void;
}

const OPEN = 1;

/**
 * Sends a frame to a viewer, or drops the viewer: one that cannot keep up is disconnected rather
 * than skipped, since a skipped `object_changes` frame would leave its cluster wrong without its
 * knowing. The dashboard reconnects at once and starts again from a snapshot. Memory stays
 * bounded either way. Answers false when the viewer was dropped.
 */
export function deliver(ws: Viewer, data: string): boolean {
  if (ws.readyState !== OPEN) return false;
  if (ws.bufferedAmount + data.length > MAX_BUFFERED) {
    ws.terminate();
    return false;
  }
  ws.send(data);
  return true;
}
