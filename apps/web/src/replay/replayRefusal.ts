// During a replay nothing may reach the lab: what the page shows is a recording, and an action
// (apply, delete, traffic, exec, kubectl) would change or read the live lab instead. The REST
// calls check this before they leave the browser; the buttons are disabled with the same reason.

let refusal: string | undefined;

/** Why a call to the lab is refused now (undefined when live). */
export function replayRefusal(): string | undefined {
  return refusal;
}

export function setReplayRefusal(reason: string | undefined): void {
  refusal = reason;
}

/** The reason shown on every disabled action during a replay. */
export function replayRefusalText(fileName: string): string {
  return `Replay of ${fileName}: no real traffic, and nothing here reaches the lab. Back to live first.`;
}
