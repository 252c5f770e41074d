/**
 * A pod name split where what tells its siblings apart begins: a Deployment's pod
 * `api-7c9f8d6b5-x2x7q` is `api-` + `7c9f8d6b5-x2x7q` (ReplicaSet hash and random suffix), a
 * ReplicaSet's or StatefulSet's `web-x2x7q` / `web-0` is `web-` + `x2x7q` / `0`. The tail is shown
 * whole; the head may be cut short. `ns/` is dropped.
 */
export function podNameParts(endpoint: string): { head: string; tail: string } {
  const name = endpoint.slice(endpoint.indexOf('/') + 1);
  const parts = name.split('-');
  const keep = parts.length >= 3 && /^[a-z0-9]{5}$/.test(parts.at(-1)!) ? 2 : 1;
  if (parts.length <= keep) return { head: '', tail: name };
  return {
    head: `${parts.slice(0, -keep).join('-')}-`,
    tail: parts.slice(-keep).join('-'),
  };
}
