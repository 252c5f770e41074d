import { useState } from 'react';
import type { CallOutcome } from '../api/http.ts';
import {
  deleteAny,
  killPod,
  setProxyMode,
  startNode,
  stopNode,
  toggleUnready,
} from '../api/actions.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import { selectReplayLock } from '../store/replaySlice.ts';
import type { AppState } from '../store/createAppStore.ts';

const MODES = [
  'iptables',
  'ipvs:rr',
  'ipvs:wrr',
  'ipvs:lc',
  'ipvs:wlc',
  'ipvs:sh',
  'ipvs:dh',
  'ipvs:sed',
  'ipvs:nq',
  'maglev',
];

/** Runs an action and shows its outcome (the message of the server, or what failed). */
function useAction() {
  const [state, setState] = useState<{ busy: boolean; note?: string; error?: string }>({
    busy: false,
  });
  // During a replay the buttons stay disabled: they would act on the live lab.
  const { lock } = useAppStore(selectReplayLock);
  const run = async (done: string, action: () => Promise<CallOutcome<unknown>>) => {
    setState({ busy: true });
    const r = await action();
    const message =
      r.ok && typeof r.value === 'object' && r.value !== null && 'message' in r.value
        ? String((r.value as { message: unknown }).message)
        : done;
    setState(r.ok ? { busy: false, note: message } : { busy: false, error: r.message });
  };
  const out = (
    <>
      {state.note && (
        <p className="ok small" role="status">
          {state.note}
        </p>
      )}
      {state.error && (
        <p className="bad small" role="alert">
          {state.error}
        </p>
      )}
    </>
  );
  return { busy: state.busy || lock !== undefined, run, out };
}

const selectPod = (key: string) => (s: AppState) => ({ pod: s.cluster.pods.get(key) });

export function PodActions({ namespace, name }: { namespace: string; name: string }) {
  const { pod } = useAppStore(selectPod(`${namespace}/${name}`));
  const { busy, run, out } = useAction();
  const gone = !pod || Boolean(pod.metadata.deletionTimestamp);
  return (
    <div className="drawer-actions">
      <div className="buttons">
        <button
          type="button"
          disabled={busy || gone}
          onClick={() =>
            void run('killed: the kubelet restarts it', () => killPod(namespace, name))
          }
          title="kill -9 the pod's nginx: a crash; the kubelet restarts it with back-off"
        >
          Kill
        </button>
        <button
          type="button"
          disabled={busy || gone}
          onClick={() => void run('readiness toggled', () => toggleUnready(namespace, name))}
          title="Make the readiness probe fail (or pass again)"
        >
          Toggle ready
        </button>
        <button
          type="button"
          disabled={busy || gone}
          onClick={() => void run('deleted: Terminating', () => deleteAny('pods', namespace, name))}
          title="kubectl delete pod"
        >
          Delete
        </button>
        <button
          type="button"
          disabled={!pod?.status?.podIP}
          onClick={() => appStore.getState().openTerminal(`${namespace}/${name}`)}
          title="kubectl exec -it … -- sh"
        >
          Exec
        </button>
      </div>
      {out}
    </div>
  );
}

const selectNode = (name: string) => (s: AppState) => ({ node: s.cluster.nodes.get(name) });

export function NodeActions({ name }: { name: string }) {
  const { node } = useAppStore(selectNode(name));
  const { busy, run, out } = useAction();
  const ready = node?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  return (
    <div className="drawer-actions">
      <div className="buttons">
        <button
          type="button"
          disabled={busy || !node || !ready}
          onClick={() => void run('stopped', () => stopNode(name))}
        >
          Stop node
        </button>
        <button
          type="button"
          disabled={busy || !node || ready}
          onClick={() => void run('started', () => startNode(name))}
        >
          Start node
        </button>
      </div>
      {out}
    </div>
  );
}

const selectService = (key: string) => (s: AppState) => ({
  svc: s.cluster.services.get(key),
  defaultMode: s.server?.proxyMode ?? 'iptables',
});

export function ServiceActions({ namespace, name }: { namespace: string; name: string }) {
  const { svc, defaultMode } = useAppStore(selectService(`${namespace}/${name}`));
  const { busy, run, out } = useAction();
  if (!svc) return <p className="muted">This Service no longer exists.</p>;
  if (svc.spec.type === 'ExternalName' || svc.spec.clusterIP === 'None') {
    return <p className="muted">DNS only: kube-proxy has nothing to route for this Service.</p>;
  }
  const current = svc.metadata.annotations?.['l4lab.dev/proxy-mode'] ?? '';
  return (
    <div className="drawer-actions">
      <label>
        Proxy mode
        <select
          value={current}
          disabled={busy}
          aria-label="Proxy mode"
          onChange={(e) => {
            const mode = e.target.value;
            void run(`service/${name} configured: ${mode || `default (${defaultMode})`}`, () =>
              setProxyMode(namespace, name, mode || 'default'),
            );
          }}
        >
          <option value="">default ({defaultMode})</option>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">
        Sets the annotation l4lab.dev/proxy-mode and applies the Service.
      </p>
      {out}
    </div>
  );
}
