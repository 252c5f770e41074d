import type { Pod } from '@l4lab/protocol';
import { useState } from 'react';
import { deleteObject } from '../api/http.ts';
import { age } from '../format/age.ts';
import { mappingText, podHealth, podReadyColumn, podRestarts, podStatus } from '../format/kube.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { selectAddressing, selectPods } from '../store/selectors.ts';

const selectSelection = (s: AppState) => s.selection;

function podIPText(pod: Pod, mapped: boolean, mappings: AppState['mappings']): string {
  const ip = pod.status?.podIP;
  if (!ip) return '<none>';
  if (!mapped) return ip;
  const ports = pod.spec.containers.flatMap((c) => c.ports ?? []);
  const m = ports.map((p) => mappingText(mappings, ip, p.containerPort)).filter(Boolean);
  return m.length > 0 ? `${ip} (${m.join(', ')})` : ip;
}

/** `kubectl get pods -o wide`. */
export function PodsTable({ now }: { now: number }) {
  const pods = useAppStore(selectPods);
  const selection = useAppStore(selectSelection);
  const { mapped, mappings } = useAppStore(selectAddressing);
  const [error, setError] = useState<string | undefined>(undefined);

  async function remove(pod: Pod) {
    setError(undefined);
    const result = await deleteObject(
      'pods',
      pod.metadata.namespace ?? 'default',
      pod.metadata.name,
    );
    if (!result.ok) setError(result.message);
  }

  return (
    <>
      <table className="kubectl" aria-label="pods">
        <thead>
          <tr>
            <th>NAME</th>
            <th>READY</th>
            <th>STATUS</th>
            <th>RESTARTS</th>
            <th>AGE</th>
            <th>IP</th>
            <th>NODE</th>
            <th>
              <span className="sr-only">actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pods.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No resources found.
              </td>
            </tr>
          )}
          {pods.map((pod) => {
            const key = `Pod/${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
            return (
              <tr
                key={key}
                className={`${podHealth(pod)}${selection === key ? ' selected' : ''}`}
                onClick={() => appStore.getState().select(key)}
              >
                <td>{pod.metadata.name}</td>
                <td>{podReadyColumn(pod)}</td>
                <td className="status">{podStatus(pod)}</td>
                <td>{podRestarts(pod)}</td>
                <td>{age(pod.metadata.creationTimestamp, now)}</td>
                <td>{podIPText(pod, mapped, mappings)}</td>
                <td>{pod.spec.nodeName ?? '<none>'}</td>
                <td>
                  <button
                    type="button"
                    className="small-button"
                    aria-label={`Delete ${pod.metadata.name}`}
                    title="kubectl delete pod"
                    disabled={Boolean(pod.metadata.deletionTimestamp)}
                    onClick={(e) => {
                      e.stopPropagation();
                      void remove(pod);
                    }}
                  >
                    delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {error && (
        <p className="bad small" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
