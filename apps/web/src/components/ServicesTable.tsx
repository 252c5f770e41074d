import type { Service } from '@l4lab/protocol';
import { age } from '../format/age.ts';
import { clusterIP, externalIP, mappingText, servicePorts, serviceType } from '../format/kube.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { selectAddressing, selectServices } from '../store/selectors.ts';

const selectSelection = (s: AppState) => s.selection;

function portsText(svc: Service, mapped: boolean, mappings: AppState['mappings']): string {
  const own = servicePorts(svc);
  if (!mapped) return own;
  const m = (svc.spec.ports ?? [])
    .map((p) => mappingText(mappings, svc.spec.clusterIP, p.port))
    .filter(Boolean);
  return m.length > 0 ? `${own} (${m.join(', ')})` : own;
}

/** `kubectl get svc`. */
export function ServicesTable({ now }: { now: number }) {
  const services = useAppStore(selectServices);
  const selection = useAppStore(selectSelection);
  const { mapped, mappings } = useAppStore(selectAddressing);
  return (
    <table className="kubectl" aria-label="services">
      <thead>
        <tr>
          <th>NAME</th>
          <th>TYPE</th>
          <th>CLUSTER-IP</th>
          <th>EXTERNAL-IP</th>
          <th>PORT(S)</th>
          <th>AGE</th>
        </tr>
      </thead>
      <tbody>
        {services.length === 0 && (
          <tr>
            <td colSpan={6} className="muted">
              No resources found.
            </td>
          </tr>
        )}
        {services.map((svc) => {
          const key = `Service/${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
          return (
            <tr
              key={key}
              className={selection === key ? 'selected' : undefined}
              onClick={() => appStore.getState().select(key)}
            >
              <td>{svc.metadata.name}</td>
              <td>{serviceType(svc)}</td>
              <td>{clusterIP(svc)}</td>
              <td>{externalIP(svc)}</td>
              <td>{portsText(svc, mapped, mappings)}</td>
              <td>{age(svc.metadata.creationTimestamp, now)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
