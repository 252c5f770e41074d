import { useEffect } from 'react';
import { fetchWhoAmI } from '../api/workshopApi.ts';
import { appStore } from '../store/appStore.ts';
import { setContextNamespace } from '../terminal/contextNamespace.ts';

const RETRY_MS = 2000;
/** A minute of asking; after that the socket's reconnect asks again. */
const MAX_ATTEMPTS = 30;

/**
 * Asks the server who this browser is (`GET /api/whoami`) at start and again whenever the link
 * comes back (the server may have restarted, or a removed student's token may be gone). A viewer
 * (the projector) opens in presenter layout.
 */
export function useWhoAmI(): void {
  useEffect(() => {
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    function again(attempt: number) {
      if (!cancelled && attempt < MAX_ATTEMPTS)
        retry = setTimeout(() => ask(attempt + 1), RETRY_MS);
    }
    function ask(attempt = 0) {
      clearTimeout(retry);
      fetchWhoAmI().then(
        (r) => {
          if (cancelled) return;
          if (!r.ok) return again(attempt);
          const s = appStore.getState();
          s.setWhoAmI(r.value);
          // The console's kubectl works in the student's namespace, as their kubeconfig does.
          setContextNamespace(r.value.user.role === 'student' ? r.value.user.namespace : undefined);
          if (r.value.user.role === 'viewer' && !s.presenter) s.setPresenter(true);
        },
        // The server is not reachable yet (the link shows it): ask again shortly.
        () => again(attempt),
      );
    }
    ask();
    const unsubscribe = appStore.subscribe((s, prev) => {
      if (s.link === 'online' && prev.link !== 'online' && s.user !== undefined) ask();
    });
    return () => {
      cancelled = true;
      clearTimeout(retry);
      unsubscribe();
    };
  }, []);
}
