import { useEffect, useState } from 'react';
import { getObject, kubectl } from '../api/actions.ts';
import { toYaml } from '../format/toYaml.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const RESOURCE: Record<string, string> = {
  Pod: 'pods',
  Service: 'services',
  Node: 'nodes',
  Deployment: 'deployments',
};

const selectVersion = (s: AppState) => ({ rv: s.resourceVersion });

/** `kubectl describe` (with its events) or the object as YAML, refreshed when the cluster changes. */
export function ObjectText(props: { kind: string; namespace?: string | undefined; name: string }) {
  const { kind, namespace, name } = props;
  const [view, setView] = useState<'describe' | 'yaml'>('describe');
  const [text, setText] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const { rv } = useAppStore(selectVersion);
  const resource = RESOURCE[kind];
  useEffect(() => {
    if (!resource) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      const load =
        view === 'describe'
          ? kubectl(`describe ${resource} ${name}${namespace ? ` -n ${namespace}` : ''}`).then(
              (r) =>
                r.ok
                  ? { ok: r.value.exitCode === 0, text: r.value.stdout || r.value.stderr }
                  : { ok: false, text: r.message },
            )
          : getObject(resource, namespace, name).then((r) =>
              r.ok ? { ok: true, text: toYaml(r.value) } : { ok: false, text: r.message },
            );
      void load.then((t) => {
        if (!cancelled) setText(t);
      });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [resource, namespace, name, view, rv]);
  if (!resource) return null;
  return (
    <div className="object-text">
      <div className="tabs" role="tablist">
        {(['describe', 'yaml'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={view === v ? 'active' : undefined}
            onClick={() => setView(v)}
          >
            {v === 'describe' ? 'kubectl describe' : 'YAML'}
          </button>
        ))}
      </div>
      <pre className={text && !text.ok ? 'bad' : undefined}>{text?.text ?? 'Loading…'}</pre>
    </div>
  );
}
