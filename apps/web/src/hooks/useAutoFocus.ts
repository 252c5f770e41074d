import { useEffect, useState } from 'react';
import { autoFocus } from '../graph/autoFocus.ts';
import { SYSTEM_NAMESPACE } from '../graph/graphModel.ts';
import { labNow } from '../replay/labClock.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';

/** How often the focus is reconsidered. */
const EVERY_MS = 1000;

/** Service ids (`ns/name`), oldest first: the last one was created last. */
function servicesByCreation(s: AppState, showSystem: boolean): string[] {
  return [...s.cluster.services.values()]
    .filter((svc) => showSystem || (svc.metadata.namespace ?? 'default') !== SYSTEM_NAMESPACE)
    .sort(
      (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
        a.metadata.name.localeCompare(b.metadata.name),
    )
    .map((svc) => `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`);
}

/**
 * The Service in focus when the user chose none (see autoFocus), reconsidered every second. The
 * focus in place stays while its traffic is not clearly below another's: two Services with
 * similar traffic do not take turns.
 */
export function useAutoFocus(showSystem: boolean): string | undefined {
  const [focus, setFocus] = useState<string | undefined>(undefined);
  useEffect(() => {
    const decide = () => {
      const s = appStore.getState();
      const applied = s.apply.state === 'applied' ? s.apply : undefined;
      setFocus((previous) =>
        autoFocus(
          s.recent,
          labNow(),
          servicesByCreation(s, showSystem),
          applied?.lines ?? [],
          applied?.at ?? 0,
          previous,
        ),
      );
    };
    decide();
    const id = setInterval(decide, EVERY_MS);
    // An apply or a change of Services is seen at once, not a second later.
    const unsubscribe = appStore.subscribe((s, prev) => {
      if (s.apply !== prev.apply || s.cluster.services !== prev.cluster.services) decide();
    });
    return () => {
      clearInterval(id);
      unsubscribe();
    };
  }, [showSystem]);
  return focus;
}
