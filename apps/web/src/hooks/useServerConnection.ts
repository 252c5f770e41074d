import { useEffect } from 'react';
import { connectSocket } from '../api/connectSocket.ts';
import { setApplySocket, settleApply } from '../api/liveApply.ts';
import { receiveServerMessage } from '../api/receiveServerMessage.ts';
import { appStore } from '../store/appStore.ts';

/** Keeps the WebSocket to the server open while the page lives. */
export function useServerConnection(): void {
  useEffect(() => {
    const connection = connectSocket({
      onMessage(msg) {
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
  }, []);
}
