import { useEffect } from 'react';
import { connectSocket } from '../api/connectSocket.ts';
import { setApplySocket, settleApply } from '../api/liveApply.ts';
import { receiveServerMessage } from '../api/receiveServerMessage.ts';
import { recordServerMessage } from '../replay/replayController.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { useAppStore } from './useAppStore.ts';

const selectReplaying = (s: AppState) => ({ replaying: s.replay !== undefined });

/**
 * Keeps the WebSocket to the server open while the page lives, except during a replay: then the
 * recorded frames are the only ones applied, and leaving it opens a fresh socket (a new snapshot).
 */
export function useServerConnection(): void {
  const { replaying } = useAppStore(selectReplaying);
  useEffect(() => {
    if (replaying) return;
    const connection = connectSocket({
      onMessage(msg) {
        // A frame that raced the switch to a replay (the socket closes on the next render).
        if (appStore.getState().replay) return;
        recordServerMessage(msg);
        if (msg.type === 'apply_result') settleApply(msg);
        receiveServerMessage(appStore, connection, msg);
      },
      onLink: appStore.getState().setLink,
    });
    setApplySocket(connection);
    return () => {
      setApplySocket(undefined);
      connection.destroy();
    };
  }, [replaying]);
}
