import type { ServerMessage } from '@l4lab/protocol';
import type { AppStore } from '../store/createAppStore.ts';
import { isResourceVersionGap } from '../store/resourceVersionChain.ts';
import type { SocketConnection } from './connectSocket.ts';

/**
 * A server message into the store, unless it is an `object_changes` frame that does not start
 * where the mirror ends (frames were missed): that one is not applied, and the connection resyncs
 * from a fresh snapshot, as Kubernetes' informers relist when their watch falls behind.
 */
export function receiveServerMessage(
  store: AppStore,
  connection: Pick<SocketConnection, 'resync'>,
  msg: ServerMessage,
): void {
  const { resourceVersion, applyServerMessage } = store.getState();
  if (isResourceVersionGap(resourceVersion, msg)) {
    connection.resync();
    return;
  }
  applyServerMessage(msg);
}
