import type { NamespaceQuota } from './applyChecks.ts';
import { applyDefaults, type NodeEdit } from '@l4lab/manifests';
import { prepareJob } from './jobStrategy.ts';
import type {
  ApplyResult,
  KubeKind,
  KubeObject,
  Namespace,
  Node,
  NodeSystemInfo,
  Pod,
  PodStatus,
  Service,
  ServiceCondition,
  WatchEvent,
} from '@l4lab/protocol';
import { CLUSTER_SCOPED } from '@l4lab/protocol';
import {
  type AddressPlan,
  DEFAULT_ADDRESS_PLAN,
  kubernetesServiceIP,
  nodeAddresses,
} from './addressPlan.ts';
import { ClusterIPAllocator, NodePortAllocator, PodIPAllocator } from './allocators.ts';
import { type ApplyError, planApply } from './apply.ts';
import { type Clock, realClock } from './clock.ts';
import { EventRecorder } from './events.ts';
import { stableStringify } from './names.ts';
import { kubeletConditions, newNode } from './nodeObject.ts';
import { podQOSClass } from './podQOS.ts';
import { DaemonSetController } from './controllers/daemonSetController.ts';
import { JOB_TRACKING_FINALIZER, JobController } from './controllers/jobController.ts';
import { StatefulSetController } from './controllers/statefulSetController.ts';
import { DisruptionController } from './controllers/disruptionController.ts';
import { decideEviction, type EvictionDecision } from './eviction.ts';
import { DeploymentController } from './controllers/deploymentController.ts';
import { dryRunObject } from './dryRun.ts';
import {
  type ApiServerEndpoint,
  KubernetesServiceController,
} from './controllers/kubernetesServiceController.ts';
import { EndpointSliceController } from './controllers/endpointSliceController.ts';
import { EndpointSliceMirroringController } from './controllers/endpointSliceMirroringController.ts';
import { LoadBalancerController } from './controllers/loadBalancerController.ts';
import { ReplicaSetController } from './controllers/replicaSetController.ts';
import {
  DEFAULT_POD_EVICTION_TIMEOUT_MS,
  NodeLifecycleController,
  isNodeReady,
} from './controllers/nodeLifecycleController.ts';
import { PodGCController } from './controllers/podGCController.ts';
import { addDefaultTolerations } from './scheduling/taints.ts';
import { admitPriority } from './priorityAdmission.ts';
import { Scheduler } from './controllers/scheduler.ts';
import { ServiceAccountController } from './controllers/serviceAccountController.ts';
import { TaintEvictionController } from './controllers/taintEvictionController.ts';
import type { Controller, ControllerContext } from './controllers/types.ts';
import { type ClusterSnapshot, restartedPod } from './snapshot.ts';
import { ObjectStore, type WatchListener } from './store.ts';

/** kube-apiserver's default --service-node-port-range. */
const NODE_PORT_RANGE = { first: 30000, last: 32767 };

export interface ClusterOptions {
  clock?: Clock;
  random?: () => number;
  plan?: AddressPlan;
  /** How long pods stay on a node that is not Ready before eviction (default 10 s). */
  podEvictionTimeoutMs?: number;
  /** What each node's kubelet reports of its machine (status.nodeInfo); none when unset. */
  nodeInfo?: NodeSystemInfo;
}

/** The label the API server keeps on every Namespace: its name (immutable). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function labelNamespace(ns: Namespace): void {
  ns.metadata.labels = { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name };
}

function resultOf(o: KubeObject, action: ApplyResult['action']): ApplyResult {
  return {
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name,
    action,
  };
}

/** The NamespaceLifecycle admission plugin's immortal namespaces. */
const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

/** The API server's refusal to delete this object, if it refuses (else undefined). */
export function deletionForbidden(kind: KubeKind, name: string): string | undefined {
  if (kind === 'Namespace' && IMMORTAL_NAMESPACES.has(name)) {
    return `namespaces "${name}" is forbidden: this namespace may not be deleted`;
  }
  if (kind === 'Node') {
    // l4lab's nodes are its fixed virtual machines (their addresses are the NodePorts' and pods').
    return `nodes "${name}" is forbidden: l4lab's nodes cannot be deleted; stop one with POST /api/nodes/${name}/stop`;
  }
  return undefined;
}

export type ApplyOutcome =
  | {
      ok: true;
      results: ApplyResult[];
      /** With `dryRun`: what each object would be once stored (nothing was). */
      dryRun?: KubeObject[];
    }
  | { ok: false; errors: ApplyError[] };

export interface ApplyOptions {
  /** `dryRun=All`: every check runs, nothing is stored, allocated or seen by controllers. */
  dryRun?: boolean;
}

/**
 * The API server and the controller manager: an object store, the allocators, and the controllers
 * (Deployment -> ReplicaSet -> Pod, scheduler, EndpointSlice), reconciling after every write.
 * It never opens a socket or starts a process: the kubelet (runtime) and kube-proxy (dataplane)
 * watch it and report back through `updatePodStatus` and friends.
 */
export class Cluster {
  readonly store = new ObjectStore();
  readonly clock: Clock;
  /** What the scheduler, kubelet, controllers and kube-proxy say about objects (Events). */
  readonly events: EventRecorder;
  readonly plan: AddressPlan;
  /** Quotas of single namespaces (a workshop's students), checked on every apply beside the lab's. */
  readonly namespaceQuotas = new Map<string, NamespaceQuota>();
  /**
   * Node ports by namespace (a workshop): a student's Services take and may ask only ports of
   * their band, so two students' NodePorts never collide; `*` is every other namespace's band.
   */
  readonly namespaceNodePorts = new Map<string, { first: number; last: number }>();
  readonly #random: () => number;
  /** DefaultTolerationSeconds: the eviction timeout, in whole seconds. */
  readonly #defaultTolerationSeconds: number;
  readonly #clusterIPs: ClusterIPAllocator;
  readonly #nodePorts: NodePortAllocator;
  readonly #podIPs = new Map<string, PodIPAllocator>();
  /** Restored pods' IPs by pod uid, reserved until the kubelet starts the pod again. */
  readonly #keptPodIPs = new Map<string, string>();
  readonly #controllers: Controller[];
  readonly #kubernetesService: KubernetesServiceController;
  /** Cluster IPs that belong to one Service for good (`ns/name`), never handed to another. */
  readonly #reservedIPs = new Map<string, string>();
  readonly #queue = new Map<string, Set<string>>();
  #draining = false;

  constructor(opts: ClusterOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.events = new EventRecorder(this.clock, () => this.store.resourceVersion);
    this.#random = opts.random ?? Math.random;
    this.#defaultTolerationSeconds = Math.ceil(
      (opts.podEvictionTimeoutMs ?? DEFAULT_POD_EVICTION_TIMEOUT_MS) / 1000,
    );
    this.plan = opts.plan ?? DEFAULT_ADDRESS_PLAN;
    this.#clusterIPs = new ClusterIPAllocator(this.plan.serviceCIDR, this.#random);
    this.#reserveIP(this.plan.dnsServiceIP, 'kube-system/kube-dns');
    this.#reserveIP(kubernetesServiceIP(this.plan), 'default/kubernetes');
    this.#nodePorts = new NodePortAllocator(
      NODE_PORT_RANGE.first,
      NODE_PORT_RANGE.last,
      this.#random,
    );
    const ctx: ControllerContext = {
      store: this.store,
      clock: this.clock,
      random: this.#random,
      newUid: () => this.#newUid(),
      nowIso: () => this.nowIso(),
      deletePod: (ns, name, grace) => this.deletePod(ns, name, grace),
      deleteObject: (o) => this.#deleteObject(o),
      enqueue: (controller, key) => this.#enqueue(controller, [key]),
      events: this.events,
      defaultTolerationSeconds: this.#defaultTolerationSeconds,
    };
    this.#kubernetesService = new KubernetesServiceController(ctx, kubernetesServiceIP(this.plan));
    this.#controllers = [
      this.#kubernetesService,
      new DeploymentController(ctx),
      new ReplicaSetController(ctx),
      new DaemonSetController(ctx),
      new StatefulSetController(ctx),
      new JobController(ctx),
      new DisruptionController(ctx),
      new Scheduler(ctx),
      new EndpointSliceController(ctx),
      new EndpointSliceMirroringController(ctx),
      new LoadBalancerController(ctx, this.plan.loadBalancerPool),
      new NodeLifecycleController(ctx),
      new TaintEvictionController(ctx),
      new PodGCController(ctx),
      new ServiceAccountController(ctx),
    ];
    this.store.watch((e) => this.#onEvent(e));
    // A cluster's own four (kube-node-lease holds the nodes' Leases, which the API derives).
    for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system'])
      this.#createNamespace(ns);
    for (const [i, n] of nodeAddresses(this.plan).entries()) {
      this.#podIPs.set(n.name, new PodIPAllocator(n.podCIDR));
      this.store.put<Node>(newNode(n, i, this.#newUid(), this.nowIso(), opts.nodeInfo));
    }
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /**
   * Where the lab's Kubernetes API listens: from now on the `kubernetes` Service in `default`
   * (ClusterIP the first address of the Service range, 443 -> this port) and its EndpointSlice
   * exist, pointing there, as kube-apiserver keeps them for its advertise address.
   */
  advertiseApiServer(endpoint: ApiServerEndpoint): void {
    this.#kubernetesService.advertise(endpoint);
  }

  watch(listener: WatchListener): () => void {
    return this.store.watch(listener);
  }

  list<K extends KubeKind>(kind: K, namespace?: string) {
    return this.store.list(kind, namespace);
  }

  /** Applies a set of validated, defaulted objects all-or-nothing, like `kubectl apply` would see. */
  apply(objects: KubeObject[], options: ApplyOptions = {}): ApplyOutcome {
    const { writes, errors } = planApply(this.store, objects, {
      serviceCIDR: this.plan.serviceCIDR,
      nodePortRange: NODE_PORT_RANGE,
      clusterIPInRange: (ip) => this.#clusterIPs.contains(ip),
      clusterIPAllocated: (ip) => this.#clusterIPs.isAllocated(ip),
      namespaceQuota: (ns) => this.namespaceQuotas.get(ns),
      namespaceNodePorts: (ns) => this.namespaceNodePorts.get(ns),
    });
    if (errors.length > 0) return { ok: false, errors };
    if (options.dryRun) {
      return {
        ok: true,
        results: writes.map((w) => resultOf(w.object, w.action)),
        dryRun: writes.map((w) => dryRunObject(w, () => this.#newUid(), this.nowIso())),
      };
    }
    const results: ApplyResult[] = [];
    for (const w of writes) {
      const o = w.object;
      results.push(resultOf(o, w.action));
      if (w.action === 'unchanged') continue;
      this.store.put(w.existing ? this.#merge(w.existing, o) : this.#prepareNew(o));
    }
    return { ok: true, results };
  }

  /**
   * Puts back what an earlier run saved (checked by `checkClusterSnapshot`), before the kubelet
   * and kube-proxy start: Services keep their ClusterIPs and node ports, pods their names, nodes
   * and IPs (each starts again, as after a node reboot). Returns what could not be kept as it was.
   */
  restore(snapshot: ClusterSnapshot): string[] {
    const problems: string[] = [];
    const objects: KubeObject[] = [];
    for (const saved of snapshot.objects) {
      const o = saved.kind === 'Pod' ? restartedPod(saved) : saved;
      if (!o) continue;
      if (o.kind === 'Service') problems.push(...this.#reserveServiceAddresses(o));
      if (o.kind === 'Pod' && !this.#reservePodIP(o)) {
        // Without its old address the pod gets a new one from the kubelet, like any new pod.
        delete o.status?.podIP;
        delete o.status?.podIPs;
      }
      objects.push(o);
    }
    this.store.restore(objects, snapshot.resourceVersion);
    return problems;
  }

  /**
   * Sets a Service's condition of this type (kube-proxy's word on its frontends), or clears it with
   * undefined. Writes only when something changed; the transition time moves only with the status.
   */
  setServiceCondition(
    namespace: string,
    name: string,
    type: string,
    next: Pick<ServiceCondition, 'status' | 'reason' | 'message'> | undefined,
  ): void {
    const svc = this.store.get('Service', namespace, name);
    if (!svc) return;
    const all = svc.status?.conditions ?? [];
    const current = all.find((c) => c.type === type);
    if (!next && !current) return;
    if (
      next &&
      current?.status === next.status &&
      current.reason === next.reason &&
      current.message === next.message
    )
      return;
    const others = all.filter((c) => c.type !== type);
    const conditions: ServiceCondition[] = next
      ? [
          ...others,
          {
            type,
            ...next,
            lastTransitionTime:
              current && current.status === next.status
                ? current.lastTransitionTime
                : this.nowIso(),
          },
        ]
      : others;
    const { conditions: _old, ...rest } = svc.status ?? {};
    this.store.put<Service>({
      ...svc,
      status: { ...rest, ...(conditions.length ? { conditions } : {}) },
    });
  }

  /** Deletes an object (pods gracefully; owners cascade to what they own). */
  delete(
    kind: KubeKind,
    namespace: string | undefined,
    name: string,
    /** `Orphan` (kubectl delete --cascade=orphan): dependents lose their owner and stay. */
    propagation: 'Background' | 'Orphan' = 'Background',
  ): KubeObject | undefined {
    const ns = CLUSTER_SCOPED.has(kind) ? undefined : namespace;
    const o = this.store.get(kind, ns, name);
    if (!o || deletionForbidden(kind, name)) return undefined;
    if (propagation !== 'Orphan') {
      this.#deleteObject(o);
      return o;
    }
    // The orphan finalizer, as one step: no controller runs between the dependents losing their
    // owner and the owner going (else it would adopt them back, and they would go with it).
    const draining = this.#draining;
    this.#draining = true;
    try {
      this.#orphanDependents(o);
      this.#deleteObject(o);
    } finally {
      this.#draining = draining;
    }
    if (!draining) this.#drain();
    return o;
  }

  /** The garbage collector's orphan finalizer: each dependent's ownerReference to `o` goes. */
  #orphanDependents(o: KubeObject): void {
    for (const child of this.store.all()) {
      const refs = child.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === o.metadata.uid)) continue;
      const kept = refs.filter((r) => r.uid !== o.metadata.uid);
      const { ownerReferences: _gone, finalizers, ...meta } = child.metadata;
      // A Job's orphans lose its job-tracking finalizer too (nobody will count their end).
      const left =
        o.kind === 'Job' ? finalizers?.filter((f) => f !== JOB_TRACKING_FINALIZER) : finalizers;
      this.store.put({
        ...child,
        metadata: {
          ...meta,
          ...(kept.length ? { ownerReferences: kept } : {}),
          ...(left?.length ? { finalizers: left } : {}),
        },
      });
    }
  }

  /**
   * The pods/eviction subresource (`kubectl drain`): the pod goes, gracefully, if its
   * PodDisruptionBudget allows (the disruption is taken first); undefined: no such pod. A dry run
   * decides and changes nothing.
   */
  evict(
    namespace: string,
    name: string,
    options: { gracePeriodSeconds?: number; dryRun?: boolean } = {},
  ): EvictionDecision | undefined {
    const pod = this.store.get('Pod', namespace, name);
    if (!pod) return undefined;
    const decision = decideEviction(
      pod,
      this.store.list('PodDisruptionBudget', namespace),
      this.nowIso(),
    );
    if (!decision.ok || options.dryRun) return decision;
    if (decision.budget) this.store.put(decision.budget);
    if (!pod.metadata.deletionTimestamp)
      this.deletePod(namespace, name, options.gracePeriodSeconds);
    return decision;
  }

  /**
   * Graceful pod deletion: Terminating now, gone when the kubelet stops it or the grace period
   * ends. A pod already Terminating only takes a shorter grace period (as the API server's
   * BeforeDelete): 0 (`kubectl delete --force --grace-period=0`) removes it at once, even from a
   * node that stopped answering.
   */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): void {
    const pod = this.store.get('Pod', namespace, name);
    if (!pod) return;
    const grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    let start = this.clock.now();
    if (pod.metadata.deletionTimestamp) {
      const was = pod.metadata.deletionGracePeriodSeconds ?? 0;
      if (gracePeriodSeconds === undefined || grace >= was) return;
      // The new deadline counts from the first deletion request, as the API server's.
      start = Date.parse(pod.metadata.deletionTimestamp) - was * 1000;
    }
    // No kubelet will confirm the stop of a pod bound to no node, or to a node that does not
    // exist (a hand-set nodeName): it goes at once, as the pod garbage collector removes it.
    const node = pod.spec.nodeName && this.store.get('Node', undefined, pod.spec.nodeName);
    if (!node || grace === 0) {
      this.removePod(namespace, name);
      return;
    }
    this.store.put<Pod>({
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: new Date(start + grace * 1000).toISOString(),
        deletionGracePeriodSeconds: grace,
      },
    });
    const uid = pod.metadata.uid;
    this.clock.setTimeout(
      () => {
        if (this.store.get('Pod', namespace, name)?.metadata.uid !== uid) return;
        // A node that stopped answering has no kubelet to confirm the stop: the pod stays
        // Terminating until the node is back (setNodeReady) or a forced delete (grace 0).
        const at = this.store.get('Node', undefined, node.metadata.name);
        if (at && !isNodeReady(at)) return;
        this.removePod(namespace, name);
      },
      Math.max(0, start + grace * 1000 - this.clock.now()),
    );
  }

  /** The kubelet reports that a terminating pod has stopped: the object goes, its IP is freed. */
  removePod(namespace: string, name: string): void {
    const pod = this.store.get('Pod', namespace, name);
    if (!pod) return;
    // A pod on the host network had its node's address, not one of the pod CIDR's.
    if (pod.status?.podIP && pod.spec.nodeName && !pod.spec.hostNetwork)
      this.#podIPs.get(pod.spec.nodeName)?.release(pod.status.podIP);
    this.#keptPodIPs.delete(pod.metadata.uid ?? '');
    this.store.remove('Pod', namespace, name);
  }

  /**
   * The CNI step of the kubelet: a pod IP from the node's pod CIDR, or, for a pod restored from
   * an earlier run (`podUid`), the IP it had then.
   */
  allocatePodIP(nodeName: string, podUid?: string): string {
    const a = this.#podIPs.get(nodeName);
    if (!a) throw new Error(`node "${nodeName}" not found`);
    const kept = podUid === undefined ? undefined : this.#keptPodIPs.get(podUid);
    if (kept === undefined) return a.allocateNext();
    this.#keptPodIPs.delete(podUid!);
    return kept;
  }

  /**
   * pods/ephemeralcontainers (`kubectl debug`): the pod's ephemeral containers become `next`,
   * defaulted, when they only add to those it has (the API server's rules and words); the pod, or
   * the errors (`spec.ephemeralContainers[1].name: Duplicate value: "debugger"`).
   */
  setEphemeralContainers(
    namespace: string,
    name: string,
    next: unknown[],
    dryRun = false,
  ): { ok: true; pod: Pod } | { ok: false; errors: string[] } | undefined {
    const pod = this.store.get('Pod', namespace, name);
    if (!pod) return undefined;
    const errors = ephemeralContainerErrors(pod, next);
    if (errors.length > 0)
      return { ok: false, errors: errors.map((e) => `Pod "${name}" is invalid: ${e}`) };
    const defaulted = applyDefaults<Pod>({
      ...pod,
      spec: { ...pod.spec, ephemeralContainers: next as Pod['spec']['containers'] },
    });
    const ephemeralContainers = defaulted.spec.ephemeralContainers ?? [];
    const updated: Pod = {
      ...pod,
      spec: { ...pod.spec, ...(ephemeralContainers.length ? { ephemeralContainers } : {}) },
    };
    if (dryRun) return { ok: true, pod: updated };
    if (JSON.stringify(updated.spec) !== JSON.stringify(pod.spec)) this.store.put<Pod>(updated);
    return { ok: true, pod: this.store.get('Pod', namespace, name)! };
  }

  /** The kubelet's status update; ignored for a pod that no longer exists or changed identity. */
  updatePodStatus(
    namespace: string,
    name: string,
    uid: string | undefined,
    status: PodStatus,
  ): void {
    const pod = this.store.get('Pod', namespace, name);
    if (!pod || pod.metadata.uid !== uid) return;
    // The QoS class is the API server's, set at creation: a kubelet status without one keeps it.
    const qosClass = pod.status?.qosClass;
    const next = qosClass && !status.qosClass ? { ...status, qosClass } : status;
    if (JSON.stringify(pod.status) === JSON.stringify(next)) return;
    this.store.put<Pod>({ ...pod, status: next });
  }

  /**
   * The node's kubelet reports (or stops reporting) status: its conditions, Ready True; or every
   * condition Unknown, as the node lifecycle controller sets them when a kubelet goes silent.
   */
  setNodeReady(nodeName: string, ready: boolean): void {
    const node = this.store.get('Node', undefined, nodeName);
    if (!node) throw new Error(`nodes "${nodeName}" not found`);
    const status = ready ? 'True' : 'Unknown';
    if (node.status.conditions.some((c) => c.type === 'Ready' && c.status === status)) return;
    const now = this.nowIso();
    // Gone silent: each condition keeps the kubelet's last heartbeat, as the controller leaves it.
    const heartbeat = (type: string) =>
      node.status.conditions.find((c) => c.type === type)?.lastHeartbeatTime ?? now;
    const conditions = ready
      ? kubeletConditions(now)
      : kubeletConditions(now).map((c) => ({
          ...c,
          status: 'Unknown' as const,
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
          lastHeartbeatTime: heartbeat(c.type),
        }));
    this.store.put<Node>({ ...node, status: { ...node.status, conditions } });
    if (!ready) return;
    // Back, its kubelet confirms the stop of the pods whose grace period ran out meanwhile.
    for (const pod of this.store.list('Pod')) {
      const end = Date.parse(pod.metadata.deletionTimestamp ?? '');
      if (pod.spec.nodeName === nodeName && end <= this.clock.now())
        this.removePod(pod.metadata.namespace ?? 'default', pod.metadata.name);
    }
  }

  /**
   * A Ready node's kubelet posts its status unchanged (every nodeStatusReportFrequency, 5 min):
   * each condition's lastHeartbeatTime is now. A node whose kubelet is silent is left as it is.
   */
  postNodeStatus(nodeName: string): void {
    const node = this.store.get('Node', undefined, nodeName);
    if (!node?.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    const now = this.nowIso();
    const conditions = node.status.conditions.map((c) => ({ ...c, lastHeartbeatTime: now }));
    this.store.put<Node>({ ...node, status: { ...node.status, conditions } });
  }

  /**
   * A client's edit of a node (`kubectl label`, `annotate`, `taint`, `cordon`), validated by the
   * caller: labels, annotations, taints and `unschedulable`; the scheduler sees it at once. A
   * NoExecute taint gets its `timeAdded`, as the API server stamps it. Undefined: no such node.
   */
  editNode(nodeName: string, edit: NodeEdit): Node | undefined {
    const node = this.store.get('Node', undefined, nodeName);
    const next = this.nodeEdited(nodeName, edit);
    if (!node || !next) return undefined;
    const same = (n: Node) => JSON.stringify([n.metadata.labels, n.metadata.annotations, n.spec]);
    if (same(next) !== same(node)) this.store.put<Node>(next);
    return this.store.get('Node', undefined, nodeName);
  }

  /** The node as an edit would leave it, nothing stored (what a dry run answers). */
  nodeEdited(nodeName: string, edit: NodeEdit): Node | undefined {
    const node = this.store.get('Node', undefined, nodeName);
    if (!node) return undefined;
    const { taints: _t, unschedulable: _u, ...spec } = node.spec;
    const { labels: _l, annotations: _a, ...meta } = node.metadata;
    const now = this.nowIso();
    const second = (iso: string | undefined) => iso?.replace(/\.\d+Z$/, 'Z');
    const taints = edit.taints.map((t) => {
      // A taint sent back as read (its time to the second, as the API wrote it) is unchanged.
      const had = node.spec.taints?.find(
        (s) =>
          s.key === t.key &&
          (s.value ?? '') === (t.value ?? '') &&
          s.effect === t.effect &&
          second(s.timeAdded) === second(t.timeAdded),
      );
      if (had) return had;
      return t.effect === 'NoExecute' && !t.timeAdded ? { ...t, timeAdded: now } : t;
    });
    return {
      ...node,
      metadata: {
        ...meta,
        labels: edit.labels,
        ...(Object.keys(edit.annotations).length ? { annotations: edit.annotations } : {}),
      },
      spec: {
        ...spec,
        ...(taints.length ? { taints } : {}),
        ...(edit.unschedulable ? { unschedulable: true } : {}),
      },
    };
  }

  nodeIP(nodeName: string): string | undefined {
    return this.store
      .get('Node', undefined, nodeName)
      ?.status.addresses.find((a) => a.type === 'InternalIP')?.address;
  }

  #prepareNew(o: KubeObject): KubeObject {
    const copy = structuredClone(o);
    copy.metadata.uid = this.#newUid();
    copy.metadata.creationTimestamp = this.nowIso();
    if (
      copy.kind === 'Deployment' ||
      copy.kind === 'ReplicaSet' ||
      copy.kind === 'DaemonSet' ||
      copy.kind === 'StatefulSet' ||
      copy.kind === 'PodDisruptionBudget' ||
      copy.kind === 'NetworkPolicy' ||
      copy.kind === 'Job' ||
      copy.kind === 'Service'
    )
      copy.metadata.generation = 1;
    if (copy.kind === 'Service') this.#allocateServiceAddresses(copy);
    if (copy.kind === 'Job') prepareJob(copy);
    if (copy.kind === 'Namespace') {
      copy.status = { phase: 'Active' };
      labelNamespace(copy);
    }
    // The API server ignores a new pod's status: Pending, with its QoS class (PrepareForCreate).
    if (copy.kind === 'Pod') {
      addDefaultTolerations(copy.spec, this.#defaultTolerationSeconds);
      admitPriority(copy.spec);
      copy.status = { phase: 'Pending', qosClass: podQOSClass(copy) };
    }
    return copy;
  }

  #merge(existing: KubeObject, next: KubeObject): KubeObject {
    const merged = structuredClone(next) as KubeObject;
    merged.metadata = {
      ...merged.metadata,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      ...(existing.metadata.generation !== undefined
        ? { generation: existing.metadata.generation }
        : {}),
    };
    if (merged.kind === 'Namespace') labelNamespace(merged);
    if (merged.kind === 'Pod' && existing.kind === 'Pod' && existing.spec.nodeName) {
      merged.spec.nodeName = existing.spec.nodeName; // bound by the scheduler
    }

    if (merged.kind === 'Service' && existing.kind === 'Service') {
      if (existing.spec.clusterIP && (merged.spec.type ?? 'ClusterIP') !== 'ExternalName') {
        merged.spec.clusterIP = existing.spec.clusterIP;
        merged.spec.clusterIPs = existing.spec.clusterIPs;
      }
      this.#allocateServiceAddresses(merged, existing);
      merged.status = existing.status;
    }
    if ('status' in existing && merged.kind !== 'Service') {
      (merged as { status?: unknown }).status = existing.status;
    }
    // The generation counts changes of the spec (a label or an annotation is not one).
    const spec = (o: KubeObject) => stableStringify((o as { spec?: unknown }).spec ?? null);
    if (existing.metadata.generation !== undefined && spec(merged) !== spec(existing))
      merged.metadata.generation = existing.metadata.generation + 1;
    return merged;
  }

  /** Where a Service's new node ports come from: its namespace's band, `*`'s, or anywhere. */
  #nodePortBand(svc: Service): { first: number; last: number } | undefined {
    const ns = svc.metadata.namespace ?? 'default';
    return this.namespaceNodePorts.get(ns) ?? this.namespaceNodePorts.get('*');
  }

  #allocateServiceAddresses(svc: Service, previous?: Service): void {
    const type = svc.spec.type ?? 'ClusterIP';
    const previousIP = previous?.spec.clusterIP;
    if (type === 'ExternalName') {
      // Becoming ExternalName drops the cluster IP (the registry's dropTypeDependentFields).
      if (previousIP && previousIP !== 'None') this.#clusterIPs.release(previousIP);
      delete svc.spec.clusterIP;
      delete svc.spec.clusterIPs;
    } else if (!previousIP) {
      if (svc.spec.clusterIP === 'None') svc.spec.clusterIPs = ['None'];
      else if (svc.spec.clusterIP) {
        this.#clusterIPs.allocate(svc.spec.clusterIP);
        svc.spec.clusterIPs = [svc.spec.clusterIP];
      } else {
        svc.spec.clusterIP = this.#clusterIPs.allocateNext();
        svc.spec.clusterIPs = [svc.spec.clusterIP];
      }
    }
    const previousPorts = new Map(
      (previous?.spec.ports ?? []).map((p) => [`${p.protocol}/${p.port}`, p.nodePort]),
    );
    for (const p of svc.spec.ports ?? []) {
      if (type !== 'NodePort' && type !== 'LoadBalancer') {
        delete p.nodePort;
        continue;
      }
      const kept = previousPorts.get(`${p.protocol}/${p.port}`);
      // allocateLoadBalancerNodePorts: false leaves a LoadBalancer without node ports (unless set).
      const wantsNodePort = type === 'NodePort' || svc.spec.allocateLoadBalancerNodePorts !== false;
      if (p.nodePort === undefined && kept !== undefined) p.nodePort = kept;
      else if (p.nodePort === undefined && wantsNodePort)
        p.nodePort = this.#nodePorts.allocateNext(this.#nodePortBand(svc));
      else if (p.nodePort !== undefined && p.nodePort !== kept)
        this.#nodePorts.allocate(p.nodePort);
    }
    // healthCheckNodePort: LoadBalancer + externalTrafficPolicy Local only; allocated, then kept.
    const previousHC = previous?.spec.healthCheckNodePort;
    if (type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local') {
      if (svc.spec.healthCheckNodePort === undefined && previousHC !== undefined) {
        svc.spec.healthCheckNodePort = previousHC;
      } else if (svc.spec.healthCheckNodePort === undefined) {
        svc.spec.healthCheckNodePort = this.#nodePorts.allocateNext(this.#nodePortBand(svc));
      } else if (svc.spec.healthCheckNodePort !== previousHC) {
        this.#nodePorts.allocate(svc.spec.healthCheckNodePort);
      }
    } else {
      delete svc.spec.healthCheckNodePort;
    }
    if (previousHC !== undefined && previousHC !== svc.spec.healthCheckNodePort)
      this.#nodePorts.release(previousHC);
    // Node ports the Service no longer uses (port changed or removed, type changed) go back.
    const inUse = new Set((svc.spec.ports ?? []).map((p) => p.nodePort));
    for (const p of previous?.spec.ports ?? []) {
      if (p.nodePort !== undefined && !inUse.has(p.nodePort)) this.#nodePorts.release(p.nodePort);
    }
    svc.status ??= { loadBalancer: {} };
  }

  /** A restored Service's addresses are taken again, so no other Service is given them. */
  #reserveServiceAddresses(svc: Service): string[] {
    const problems: string[] = [];
    const name = `services "${svc.metadata.namespace}/${svc.metadata.name}"`;
    const ip = svc.spec.clusterIP;
    const reserved = ip !== undefined && this.#reservedIPs.get(ip) === this.#serviceKey(svc);
    if (ip && ip !== 'None' && !reserved && !this.#clusterIPs.allocate(ip))
      problems.push(`${name}: clusterIP ${ip} is held twice`);
    const ports = (svc.spec.ports ?? []).map((p) => p.nodePort);
    for (const port of [...ports, svc.spec.healthCheckNodePort]) {
      if (port !== undefined && !this.#nodePorts.allocate(port))
        problems.push(`${name}: nodePort ${port} is held twice`);
    }
    return problems;
  }

  /** The pod gets its IP back when the kubelet starts it again (`allocatePodIP`). */
  #reservePodIP(pod: Pod): boolean {
    const { podIP } = pod.status ?? {};
    const a = pod.spec.nodeName ? this.#podIPs.get(pod.spec.nodeName) : undefined;
    if (!podIP || !pod.metadata.uid || !a?.contains(podIP) || !a.allocate(podIP)) return false;
    this.#keptPodIPs.set(pod.metadata.uid, podIP);
    return true;
  }

  #releaseService(svc: Service): void {
    const ip = svc.spec.clusterIP;
    if (ip && ip !== 'None' && !this.#reservedIPs.has(ip)) this.#clusterIPs.release(ip);
    for (const p of svc.spec.ports ?? []) if (p.nodePort) this.#nodePorts.release(p.nodePort);
    if (svc.spec.healthCheckNodePort) this.#nodePorts.release(svc.spec.healthCheckNodePort);
  }

  #reserveIP(ip: string, service: string): void {
    this.#clusterIPs.allocate(ip);
    this.#reservedIPs.set(ip, service);
  }

  #serviceKey(svc: Service): string {
    return `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
  }

  #createNamespace(name: string): void {
    this.store.put<Namespace>({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        uid: this.#newUid(),
        creationTimestamp: this.nowIso(),
        labels: { [NAMESPACE_NAME_LABEL]: name },
      },
      status: { phase: 'Active' },
    });
  }

  #deleteObject(o: KubeObject): void {
    if (o.kind === 'Pod') {
      this.deletePod(o.metadata.namespace ?? 'default', o.metadata.name);
      return;
    }
    if (o.kind === 'Namespace') {
      // Terminating first, so that nothing (the default ServiceAccount) is made again in it.
      const ns = this.store.get('Namespace', undefined, o.metadata.name);
      if (ns) {
        this.store.put<Namespace>({
          ...ns,
          metadata: { ...ns.metadata, deletionTimestamp: this.nowIso() },
          status: { phase: 'Terminating' },
        });
      }
      for (const child of this.store.all()) {
        if (child.metadata.namespace === o.metadata.name) this.#deleteObject(child);
      }
    }
    const removed = this.store.remove(o.kind, o.metadata.namespace, o.metadata.name);
    if (!removed) return;
    if (removed.kind === 'Service') this.#releaseService(removed);
    // The garbage collector: dependents whose controller owner is gone are deleted too.
    for (const child of this.store.all()) {
      if ((child.metadata.ownerReferences ?? []).some((r) => r.uid === removed.metadata.uid)) {
        this.#deleteObject(child);
      }
    }
  }

  #onEvent(event: WatchEvent): void {
    for (const c of this.#controllers) this.#enqueue(c.name, c.keysFor(event), false);
    if (!this.#draining) this.#drain();
  }

  #enqueue(controller: string, keys: string[], drain = true): void {
    if (keys.length > 0) {
      let q = this.#queue.get(controller);
      if (!q) this.#queue.set(controller, (q = new Set()));
      for (const k of keys) q.add(k);
    }
    if (drain && !this.#draining) this.#drain();
  }

  #drain(): void {
    this.#draining = true;
    try {
      for (let rounds = 0; rounds < 10_000; rounds++) {
        const next = this.#controllers.find((c) => (this.#queue.get(c.name)?.size ?? 0) > 0);
        if (!next) return;
        const q = this.#queue.get(next.name)!;
        const key = q.values().next().value as string;
        q.delete(key);
        next.reconcile(key);
      }
      throw new Error('controllers did not settle after 10000 reconciles');
    } finally {
      this.#draining = false;
    }
  }

  #newUid(): string {
    const hex = (n: number) =>
      Array.from({ length: n }, () => Math.floor(this.#random() * 16).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** ValidatePodEphemeralContainersUpdate: ephemeral containers may be added, never changed or removed. */
function ephemeralContainerErrors(pod: Pod, next: unknown[]): string[] {
  const errors: string[] = [];
  const had = pod.spec.ephemeralContainers ?? [];
  const byName = new Map(next.map((c) => [(c as { name?: unknown }).name, c]));
  for (const [i, old] of had.entries()) {
    const now = byName.get(old.name);
    if (!now) {
      errors.push(
        `spec.ephemeralContainers: Forbidden: existing ephemeral containers "${old.name}" may not be removed`,
      );
    } else if (
      JSON.stringify(
        applyDefaults<Pod>({
          ...pod,
          spec: { ...pod.spec, ephemeralContainers: [now as Pod['spec']['containers'][number]] },
        }).spec.ephemeralContainers![0],
      ) !== JSON.stringify(old)
    ) {
      errors.push(
        `spec.ephemeralContainers[${i}]: Forbidden: existing ephemeral containers "${old.name}" may not be changed`,
      );
    }
  }
  const names = new Set([
    ...pod.spec.containers.map((c) => c.name),
    ...(pod.spec.initContainers ?? []).map((c) => c.name),
  ]);
  for (const [i, raw] of next.entries()) {
    const c = (raw ?? {}) as { name?: unknown; image?: unknown; ports?: unknown };
    const at = `spec.ephemeralContainers[${i}]`;
    if (typeof c.name !== 'string' || c.name === '') errors.push(`${at}.name: Required value`);
    else if (!DNS_LABEL.test(c.name) || c.name.length > 63)
      errors.push(
        `${at}.name: Invalid value: "${c.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      );
    else if (names.has(c.name)) errors.push(`${at}.name: Duplicate value: "${c.name}"`);
    else names.add(c.name);
    if (typeof c.image !== 'string' || c.image === '') errors.push(`${at}.image: Required value`);
    if (Array.isArray(c.ports) && c.ports.length > 0)
      errors.push(`${at}.ports: Forbidden: cannot be set for an Ephemeral Container`);
  }
  return errors;
}
