/**
 * A URL with its `token` parameter hidden: the projector URL carries a viewer token, and the
 * instructor's panel may itself be on the projector. Copy buttons copy the whole URL.
 */
export function maskToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1••••••');
}

/** `http://192.168.1.20:7070/join?code=…` -> `192.168.1.20:7070/join?code=…` (large type). */
export function withoutScheme(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/** The join URLs to list besides the main one, without repeating it. */
export function otherJoinUrls(
  main: string | undefined,
  all: readonly string[] | undefined,
): string[] {
  return [...new Set(all ?? [])].filter((u) => u !== main);
}
