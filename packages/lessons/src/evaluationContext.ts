import type { ConnectionEvent, KubeObject } from '@l4lab/protocol';

/** What a check is evaluated against: one student's view of the lab at one moment. */
export interface EvaluationContext {
  /** The live objects (the student's namespace, and any other a lesson names). */
  objects: readonly KubeObject[];
  /**
   * Recent connection events, oldest first; a connection may appear more than once (open, then
   * closed): its latest event counts.
   */
  events: readonly ConnectionEvent[];
  /** ms since epoch, the clock `within` counts back from. */
  now: number;
  /** The student's namespace: every check's namespace unless it names another. */
  namespace: string;
  /** When the student reached the step (ms since epoch): `since: step` counts from it. */
  stepStartedAt?: number;
  /**
   * This machine's own addresses besides loopback (its interfaces' IPs): a client from one of
   * them is not "from outside this machine".
   */
  localAddresses?: readonly string[];
}
