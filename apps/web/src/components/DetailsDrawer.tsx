import { useEffect } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { canWrite } from '../store/workshopSlice.ts';
import { NodeActions, PodActions, ServiceActions } from './DrawerActions.tsx';
import { DrawerCounters } from './DrawerCounters.tsx';
import { DrawerEvents } from './DrawerEvents.tsx';
import { DrawerPolicyRules, DrawerRules } from './DrawerRules.tsx';
import { ProxyModeBadge } from './ProxyModeBadge.tsx';
import { ObjectText } from './ObjectText.tsx';

// A viewer (the projector) gets the details without the actions.
const selectSelection = (s: AppState) => ({ selection: s.selection, writer: canWrite(s) });

/** `Pod/ns/name` -> its parts (`Node/name` and `Client/ip` have no namespace). */
export function parseSelection(key: string) {
  const [kind = '', ...rest] = key.split('/');
  if (rest.length >= 2) return { kind, namespace: rest[0]!, name: rest.slice(1).join('/') };
  return { kind, namespace: undefined, name: rest[0] ?? '' };
}

/** Details of the selected box: what it is, its counters, its actions, kubectl describe / YAML. */
export function DetailsDrawer() {
  const { selection, writer } = useAppStore(selectSelection);
  useEffect(() => {
    if (!selection) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') appStore.getState().select(undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selection]);
  if (!selection) return null;
  const { kind, namespace, name } = parseSelection(selection);
  return (
    <aside className="drawer" aria-label={`details ${kind} ${name}`} data-testid="drawer">
      <header>
        <span className="kind">{kind}</span>
        <h3 title={namespace ? `${namespace}/${name}` : name}>{name}</h3>
        {namespace && <span className="muted">{namespace}</span>}
        {kind === 'Service' && namespace && <ProxyModeBadge namespace={namespace} name={name} />}
        <button
          type="button"
          className="close"
          aria-label="Close details"
          onClick={() => appStore.getState().select(undefined)}
        >
          ×
        </button>
      </header>
      {writer && kind === 'Pod' && namespace && <PodActions namespace={namespace} name={name} />}
      {writer && kind === 'Node' && <NodeActions name={name} />}
      {writer && kind === 'Service' && namespace && (
        <ServiceActions namespace={namespace} name={name} />
      )}
      <DrawerCounters kind={kind} namespace={namespace} name={name} />
      <DrawerEvents kind={kind} namespace={namespace} name={name} />
      {kind === 'Service' && namespace && <DrawerRules namespace={namespace} name={name} />}
      {kind === 'Pod' && namespace && <DrawerPolicyRules namespace={namespace} name={name} />}
      {kind === 'Client' ? (
        <p className="muted">
          An external client address of the traffic generator (or your own curl). It is not a
          Kubernetes object.
        </p>
      ) : (
        <ObjectText kind={kind} namespace={namespace} name={name} />
      )}
    </aside>
  );
}
