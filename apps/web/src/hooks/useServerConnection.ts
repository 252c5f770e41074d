import { useEffect } from 'react';
import { connectSocket } from '../api/connectSocket.ts';
import { appStore } from '../store/appStore.ts';

/** Keeps the WebSocket to the server open while the page lives. */
export function useServerConnection(): void {
  useEffect(() => {
    const { applyServerMessage, setLink } = appStore.getState();
    const connection = connectSocket({ onMessage: applyServerMessage, onLink: setLink });
    return () => connection.destroy();
  }, []);
}
