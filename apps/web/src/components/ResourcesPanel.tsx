import { useEffect, useState } from 'react';
import { kubectl } from '../api/actions.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import type { AppState } from '../store/createAppStore.ts';

const COMMANDS = ['get pods -o wide', 'get svc', 'get endpoints', 'get deploy -o wide'] as const;
/** Shown only while the lab has some: most labs have none. */
const WHEN_ANY = [
  'get sts -o wide',
  'get ds -o wide',
  'get jobs',
  'get pdb',
  'get netpol',
  'get cm',
] as const;

const selectRefresh = (s: AppState) => ({ rv: s.resourceVersion, showSystem: s.showSystem });

/** Drops kube-system rows from an `-A` table (the header stays). */
function withoutSystem(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('kube-system '))
    .join('\n');
}

function Table({
  command,
  rv,
  tick,
  showSystem,
  whenAny = false,
}: {
  command: string;
  rv: string;
  tick: number;
  showSystem: boolean;
  /** Nothing is shown while kubectl finds no resources. */
  whenAny?: boolean;
}) {
  const [out, setOut] = useState<{ ok: boolean; text: string; empty?: boolean } | undefined>(
    undefined,
  );
  useEffect(() => {
    const ac = new AbortController();
    const timer = setTimeout(() => {
      void kubectl(`${command} -A`, ac.signal).then((r) => {
        if (ac.signal.aborted) return;
        if (!r.ok) return setOut({ ok: false, text: r.message });
        const text = r.value.stdout || r.value.stderr;
        const shown = showSystem ? text : withoutSystem(text);
        setOut({
          ok: r.value.exitCode === 0,
          text: shown,
          empty: shown.trim().split('\n').length < 2,
        });
      });
    }, 200);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [command, rv, tick, showSystem]);
  if (whenAny && (!out || (out.ok && out.empty))) return null;
  return (
    <div className="kubectl-table" aria-label={`kubectl ${command}`}>
      <h3>
        <code>kubectl {command} -A</code>
        {!showSystem && <span className="muted small"> (kube-system hidden)</span>}
      </h3>
      <pre className={out && !out.ok ? 'bad' : undefined}>{out?.text ?? 'Loading…'}</pre>
    </div>
  );
}

/** kubectl's own tables (from the server's kubectl view), refreshed on every cluster change. */
export function ResourcesPanel() {
  const { rv, showSystem } = useAppStore(selectRefresh);
  const tick = useNow(5000);
  return (
    <div className="resources" data-testid="resources" aria-label="Resources">
      {COMMANDS.map((c) => (
        <Table key={c} command={c} rv={rv} tick={tick} showSystem={showSystem} />
      ))}
      {WHEN_ANY.map((c) => (
        <Table key={c} command={c} rv={rv} tick={tick} showSystem={showSystem} whenAny />
      ))}
    </div>
  );
}
