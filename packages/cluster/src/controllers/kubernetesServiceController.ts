import type { EndpointSlice, Service, ServicePort, WatchEvent } from '@l4lab/protocol';
import { SERVICE_NAME_LABEL } from './endpointSliceController.ts';
import type { Controller, ControllerContext } from './types.ts';

export const KUBERNETES_SERVICE = 'kubernetes';
const NAMESPACE = 'default';
const KEY = `${NAMESPACE}/${KUBERNETES_SERVICE}`;

/**
 * Whether a Service has v1 Endpoints: one with a selector (the endpoints controller writes them)
 * or the `kubernetes` Service (the API server writes its own); never an ExternalName one.
 */
export function hasEndpoints(svc: Service): boolean {
  if (svc.spec.type === 'ExternalName') return false;
  const own = svc.metadata.namespace === NAMESPACE && svc.metadata.name === KUBERNETES_SERVICE;
  return own || svc.spec.selector !== undefined;
}

/** Where the API server listens for the cluster (kube-apiserver's advertise address and port). */
export interface ApiServerEndpoint {
  ip: string;
  port: number;
}

/**
 * The API server's own Service (pkg/controlplane/controller/kubernetesservice): `kubernetes` in
 * `default`, selector-less, at the first address of the Service range, 443/TCP named `https` to
 * the API server's port, and the EndpointSlice (also `kubernetes`) that points at the API server.
 * Deleted, both come back at once; a change to the Service's ports or type is reset. Nothing is
 * written until the lab says where its API listens (`advertise`).
 */
export class KubernetesServiceController implements Controller {
  readonly name = 'kubernetes-service';
  readonly #ctx: ControllerContext;
  readonly #clusterIP: string;
  #endpoint: ApiServerEndpoint | undefined;

  constructor(ctx: ControllerContext, clusterIP: string) {
    this.#ctx = ctx;
    this.#clusterIP = clusterIP;
  }

  advertise(endpoint: ApiServerEndpoint): void {
    this.#endpoint = endpoint;
    this.#ctx.enqueue(this.name, KEY);
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.metadata.namespace !== NAMESPACE || o.metadata.name !== KUBERNETES_SERVICE) return [];
    return o.kind === 'Service' || o.kind === 'EndpointSlice' ? [KEY] : [];
  }

  reconcile(): void {
    const endpoint = this.#endpoint;
    if (!endpoint) return;
    this.#reconcileService(endpoint);
    this.#reconcileSlice(endpoint);
  }

  #reconcileService(endpoint: ApiServerEndpoint): void {
    const { store } = this.#ctx;
    const ports: ServicePort[] = [
      { name: 'https', port: 443, protocol: 'TCP', targetPort: endpoint.port },
    ];
    const svc = store.get('Service', NAMESPACE, KUBERNETES_SERVICE);
    if (!svc) {
      store.put<Service>(this.#newService(ports));
      return;
    }
    const same = JSON.stringify(svc.spec.ports) === JSON.stringify(ports);
    if (same && svc.spec.type === 'ClusterIP') return;
    store.put<Service>({
      ...svc,
      metadata: { ...svc.metadata, generation: (svc.metadata.generation ?? 1) + 1 },
      spec: { ...svc.spec, type: 'ClusterIP', ports },
    });
  }

  #newService(ports: ServicePort[]): Service {
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: KUBERNETES_SERVICE,
        namespace: NAMESPACE,
        uid: this.#ctx.newUid(),
        creationTimestamp: this.#ctx.nowIso(),
        generation: 1,
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      // Written as the API server stores it: defaulted, its address the reserved first one.
      spec: {
        type: 'ClusterIP',
        clusterIP: this.#clusterIP,
        clusterIPs: [this.#clusterIP],
        ports,
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
      status: { loadBalancer: {} },
    };
  }

  #reconcileSlice(endpoint: ApiServerEndpoint): void {
    const { store } = this.#ctx;
    const endpoints: EndpointSlice['endpoints'] = [
      {
        addresses: [endpoint.ip],
        conditions: { ready: true, serving: true, terminating: false },
      },
    ];
    const ports: EndpointSlice['ports'] = [{ name: 'https', port: endpoint.port, protocol: 'TCP' }];
    const current = store.get('EndpointSlice', NAMESPACE, KUBERNETES_SERVICE);
    if (
      current &&
      JSON.stringify([current.endpoints, current.ports]) === JSON.stringify([endpoints, ports])
    ) {
      return;
    }
    store.put<EndpointSlice>({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...(current?.metadata ?? {
          uid: this.#ctx.newUid(),
          creationTimestamp: this.#ctx.nowIso(),
        }),
        name: KUBERNETES_SERVICE,
        namespace: NAMESPACE,
        // The API server's own slice: no managed-by label, so the EndpointSlice controller leaves it.
        labels: { [SERVICE_NAME_LABEL]: KUBERNETES_SERVICE },
      },
      addressType: 'IPv4',
      endpoints,
      ports,
    });
  }
}
