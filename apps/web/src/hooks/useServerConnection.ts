import { useEffect } from 'react';
import { connectSocket } from '../api/connectSocket.ts';
import { setApplySocket, settleApply } from '../api/liveApply.ts';
import { appStore } from '../store/appStore.ts';

/** Keeps the WebSocket to the server open while the page lives. */
export function useServerConnection(): void {
  useEffect(() => {
    const { applyServerMessage, setLink } = appStore.getState();
    const connection = connectSocket({
      onMessage(msg) {
        if (msg.type === 'apply_result') settleApply(msg);
        applyServerMessage(msg);
      },
      onLink: setLink,
    });
    setApplySocket(connection);
    return () => {
      setApplySocket(undefined);
      connection.destroy();
    };
  }, []);
}
