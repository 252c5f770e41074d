import type { Endpoint, EndpointSlice, Pod, Service, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, ownedBy, splitKey } from './types.ts';
import { randomSuffix } from '../names.ts';
import { serviceSelects } from '../selectors.ts';
import { isPodReady, isPodTerminating } from '../podStatus.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice-controller.k8s.io';

/** Resolves a Service port's targetPort for one pod: a number as is, a name via containerPorts. */
export function resolveTargetPort(
  pod: Pod,
  targetPort: number | string,
  protocol: string,
): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (p.name === targetPort && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/**
 * The EndpointSlice controller: for each Service with a selector, one slice listing the matching
 * pods that have an IP, with ready / serving / terminating conditions.
 */
export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Service') return [`${o.metadata.namespace}/${o.metadata.name}`];
    if (o.kind === 'Pod') {
      return this.#ctx.store
        .list('Service', o.metadata.namespace)
        .map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
    }
    return [];
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const svc = store.get('Service', ns, name);
    const existing = store
      .list('EndpointSlice', ns)
      .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
    if (!svc || !svc.spec.selector || svc.spec.type === 'ExternalName') {
      for (const s of existing) store.remove('EndpointSlice', ns, s.metadata.name);
      return;
    }
    const desired = this.#desiredSlice(
      svc,
      existing.find((s) => ownedBy(s, svc)),
    );
    for (const s of existing) {
      if (s.metadata.name !== desired.metadata.name)
        store.remove('EndpointSlice', ns, s.metadata.name);
    }
    const current = existing.find((s) => s.metadata.name === desired.metadata.name);
    if (
      !current ||
      JSON.stringify([current.endpoints, current.ports]) !==
        JSON.stringify([desired.endpoints, desired.ports])
    ) {
      store.put(desired);
    }
  }

  #desiredSlice(svc: Service, current: EndpointSlice | undefined): EndpointSlice {
    const ns = svc.metadata.namespace ?? 'default';
    const pods = this.#ctx.store
      .list('Pod', ns)
      .filter(
        (p) =>
          serviceSelects(svc.spec.selector, p.metadata.labels) &&
          p.status?.podIP &&
          p.status.phase !== 'Succeeded' &&
          p.status.phase !== 'Failed',
      );
    const ports = (svc.spec.ports ?? []).map((sp) => {
      const protocol = sp.protocol ?? 'TCP';
      const target = sp.targetPort ?? sp.port;
      const resolved = pods
        .map((p) => resolveTargetPort(p, target, protocol))
        .find((x) => x !== undefined);
      return {
        name: sp.name ?? '',
        port: resolved ?? (typeof target === 'number' ? target : 0),
        protocol,
      };
    });
    const endpoints: Endpoint[] = pods
      .map((p) => {
        const serving = isPodReady(p);
        const terminating = isPodTerminating(p);
        return {
          addresses: [p.status!.podIP!],
          conditions: {
            ready: svc.spec.publishNotReadyAddresses === true || (serving && !terminating),
            serving,
            terminating,
          },
          ...(p.spec.nodeName ? { nodeName: p.spec.nodeName } : {}),
          targetRef: {
            kind: 'Pod' as const,
            namespace: ns,
            name: p.metadata.name,
            uid: p.metadata.uid ?? '',
          },
        };
      })
      .sort((a, b) => a.addresses[0]!.localeCompare(b.addresses[0]!, 'en', { numeric: true }));
    const name =
      current?.metadata.name ?? `${svc.metadata.name}-${randomSuffix(5, this.#ctx.random)}`;
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name,
        namespace: ns,
        uid: current?.metadata.uid ?? this.#ctx.newUid(),
        creationTimestamp: current?.metadata.creationTimestamp ?? this.#ctx.nowIso(),
        generateName: `${svc.metadata.name}-`,
        labels: {
          ...(svc.metadata.labels ?? {}),
          [SERVICE_NAME_LABEL]: svc.metadata.name,
          'endpointslice.kubernetes.io/managed-by': MANAGED_BY,
        },
        ownerReferences: [controllerRef(svc)],
      },
      addressType: 'IPv4',
      endpoints,
      ports,
    };
  }
}
