import { useEffect } from 'react';
import { openScenarioFromLocation } from '../sharing/openSharedScenario.ts';

/**
 * Opens the scenario a link carries (`#scenario=...&title=...`) as a new editor tab: at load, and
 * when a link is pasted into the address bar of the open page (only the fragment changes then).
 */
export function useScenarioLink(): void {
  useEffect(() => {
    openScenarioFromLocation();
    window.addEventListener('hashchange', openScenarioFromLocation);
    return () => window.removeEventListener('hashchange', openScenarioFromLocation);
  }, []);
}
