// The time the dashboard shows: the wall clock when live, the recording's time during a replay
// (it stands still while paused and runs at the replay's speed). Rates, ages, the rewind cursor
// and the Distribution's window all read it, so a replay looks as the session looked then.

let replayClock: (() => number) | undefined;

/** Milliseconds since the epoch, at the moment the dashboard shows. */
export function labNow(): number {
  return replayClock ? replayClock() : Date.now();
}

/** A replay's clock (undefined: back to the wall clock). */
export function setReplayClock(clock: (() => number) | undefined): void {
  replayClock = clock;
}
