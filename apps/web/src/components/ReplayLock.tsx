import type { ReactNode } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectReplayLock } from '../store/replaySlice.ts';
import '../styles/replay.css';

/**
 * Lab actions inside are disabled during a replay, with its reason as their tooltip: a disabled
 * fieldset disables every button and input in it. With a `className` the fieldset is that box
 * (a toolbar); without, it leaves the layout alone (`display: contents`).
 */
export function ReplayLock({ className, children }: { className?: string; children: ReactNode }) {
  const { lock } = useAppStore(selectReplayLock);
  return (
    <fieldset
      className={`replay-lock ${className ?? 'replay-lock-contents'}`}
      disabled={lock !== undefined}
      title={lock}
    >
      {children}
    </fieldset>
  );
}

/** A part that only the live lab can fill (its kubectl, a terminal): during a replay, why not. */
export function ReplayGate({ what, children }: { what: string; children: ReactNode }) {
  const { lock } = useAppStore(selectReplayLock);
  if (lock === undefined) return children;
  return (
    <p className="replay-gate" role="note">
      {what} Not during a replay: it would reach the live lab, not the recording. Back to live to
      use it.
    </p>
  );
}
