import type { ServerMessage } from '@l4lab/protocol';

type ObjectChanges = Extract<ServerMessage, { type: 'object_changes' }>;

/**
 * Whether an `object_changes` frame continues the mirror, whose cluster is at `resourceVersion`
 * (the snapshot's, or the last frame's): the frame must start exactly there. Any other start
 * means frames were missed (or the frame belongs to an older connection), and applying it would
 * leave the mirror wrong without anyone knowing. A frame that does not say where it starts (an
 * older server) is taken as it comes.
 */
export function continuesMirror(resourceVersion: string, frame: ObjectChanges): boolean {
  return frame.fromResourceVersion === undefined || frame.fromResourceVersion === resourceVersion;
}

/** True for an `object_changes` frame that does not continue the mirror (see continuesMirror). */
export function isResourceVersionGap(resourceVersion: string, msg: ServerMessage): boolean {
  return msg.type === 'object_changes' && !continuesMirror(resourceVersion, msg);
}
