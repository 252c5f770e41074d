// `kubectl describe` for pods, services, deployments and nodes (pkg/describe/describe.go), the fields l4lab
// has, laid out with describe's tabwriter, with the Events the cluster's recorder holds about the object.
import type {
  ConfigMap,
  Container,
  ContainerState,
  Deployment,
  KubeObject,
  Node,
  Pod,
  Service,
  Toleration,
} from '@l4lab/protocol';
import { endpointConditions, podStatusText } from '@l4lab/protocol';
import { hasEndpoints } from '../controllers/kubernetesServiceController.ts';
import { age } from './duration.ts';
import { podTemplateHash } from '../names.ts';
import { nodeLeaseRenewedAt } from '../nodeObject.ts';
import { podQOSClass } from '../podQOS.ts';
import { quantityMilliValue, quantitySum, quantityValue } from '../scheduling/quantity.ts';
import type { KubectlSource } from './kubectl.ts';
import { formatLabelSelector, formatLabels, nodeRoles } from './printers.ts';
import { DESCRIBE_TABWRITER, tabwrite } from './tabwriter.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(iso: string | undefined): string {
  if (!iso) return '<unset>';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** `Labels:\tk=v` then one `\tk=v` line per further label (printLabelsMultiline). */
function multiline(indent: string, title: string, values: string[]): string[] {
  if (values.length === 0) return [`${indent}${title}:\t<none>`];
  return [`${indent}${title}:\t${values[0]}`, ...values.slice(1).map((v) => `${indent}\t${v}`)];
}

const labelLines = (o: Record<string, string> | undefined, sep: string) =>
  Object.keys(o ?? {})
    .sort()
    .map((k) => `${k}${sep}${o![k]}`);

/** kubectl describe leaves out the annotation `kubectl apply` keeps (skipAnnotations). */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function metaLines(o: KubeObject): string[] {
  const annotations = Object.fromEntries(
    Object.entries(o.metadata.annotations ?? {}).filter(([k]) => k !== LAST_APPLIED),
  );
  return [
    ...multiline('', 'Labels', labelLines(o.metadata.labels, '=')),
    ...multiline('', 'Annotations', labelLines(annotations, ': ')),
  ];
}

export function describeObject(o: KubeObject, source: KubectlSource, now: number): string {
  let lines: string[];
  if (o.kind === 'Pod') lines = [...describePod(o), ...eventLines(o, source, now)];
  else if (o.kind === 'Service')
    lines = [...describeService(o, source), ...eventLines(o, source, now)];
  else if (o.kind === 'Deployment')
    lines = [...describeDeployment(o, source), ...eventLines(o, source, now)];
  else if (o.kind === 'Node')
    lines = [...describeNode(o, source, now), ...eventLines(o, source, now)];
  else if (o.kind === 'ConfigMap') lines = [...describeConfigMap(o), ...eventLines(o, source, now)];
  else {
    lines = [
      `Name:\t${o.metadata.name}`,
      ...(o.metadata.namespace ? [`Namespace:\t${o.metadata.namespace}`] : []),
      ...metaLines(o),
      `CreationTimestamp:\t${rfc1123z(o.metadata.creationTimestamp)}`,
    ];
  }
  return tabwrite(`${lines.join('\n')}\n`, DESCRIBE_TABWRITER);
}

/** `State:` or `Last State:` and its detail lines, as kubectl describe words a container's state. */
function stateLines(i: string, title: string, state: ContainerState | undefined): string[] {
  if (state?.running)
    return [`${i}${title}:\tRunning`, `${i}  Started:\t${rfc1123z(state.running.startedAt)}`];
  if (state?.terminated) {
    const t = state.terminated;
    return [
      `${i}${title}:\tTerminated`,
      `${i}  Reason:\t${t.reason ?? ''}`,
      ...(t.message ? [`${i}  Message:\t${t.message.trimEnd()}`] : []),
      `${i}  Exit Code:\t${t.exitCode}`,
      ...(t.startedAt ? [`${i}  Started:\t${rfc1123z(t.startedAt)}`] : []),
      ...(t.finishedAt ? [`${i}  Finished:\t${rfc1123z(t.finishedAt)}`] : []),
    ];
  }
  if (state?.waiting) return [`${i}${title}:\tWaiting`, `${i}  Reason:\t${state.waiting.reason}`];
  return [`${i}${title}:\t${title === 'State' ? 'Waiting' : ''}`];
}

function containerLines(
  indent: string,
  containers: Pod['spec']['containers'],
  statuses: NonNullable<Pod['status']>['containerStatuses'] | undefined,
): string[] {
  const out: string[] = [];
  for (const c of containers) {
    const st = statuses?.find((s) => s.name === c.name);
    out.push(`${indent}${c.name}:`);
    const i = `${indent}  `;
    // describeContainerBasicInfo: the IDs once the container has a status (empty when none yet).
    if (st) out.push(`${i}Container ID:\t${st.containerID ?? ''}`);
    out.push(`${i}Image:\t${c.image}`);
    if (st) out.push(`${i}Image ID:\t${st.imageID ?? ''}`);
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`);
    out.push(`${i}Port:\t${ports.length ? ports.join(', ') : '<none>'}`);
    out.push(
      `${i}Host Port:\t${ports.length ? ports.map((p) => `0/${p.split('/')[1]}`).join(', ') : '<none>'}`,
    );
    if (c.command) out.push(`${i}Command:`, ...c.command.map((x) => `${i}  ${x}`));
    if (st) {
      out.push(...stateLines(i, 'State', st.state));
      if (st.lastState && Object.keys(st.lastState).length > 0)
        out.push(...stateLines(i, 'Last State', st.lastState));
      out.push(`${i}Ready:\t${st.ready ? 'True' : 'False'}`);
      out.push(`${i}Restart Count:\t${st.restartCount}`);
    }
    out.push(...envLines(i, c), ...mountLines(i, c));
  }
  return out;
}

/** describeContainerEnvFrom (when there is any) and describeContainerEnvVars. */
function envLines(i: string, c: Container): string[] {
  const out: string[] = [];
  if (c.envFrom?.length) {
    out.push(`${i}Environment Variables from:`);
    for (const e of c.envFrom) {
      const ref = e.configMapRef ?? e.secretRef;
      const from = e.configMapRef ? 'ConfigMap' : e.secretRef ? 'Secret' : '';
      const what = e.prefix ? `${from} with prefix '${e.prefix}'` : from;
      out.push(`${i}  ${ref?.name ?? ''}\t${what}\tOptional: ${ref?.optional === true}`);
    }
  }
  out.push(`${i}Environment:${c.env?.length ? '' : '\t<none>'}`);
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    if (from?.configMapKeyRef) {
      const r = from.configMapKeyRef;
      out.push(
        `${i}  ${e.name}:\t<set to the key '${r.key}' of config map '${r.name ?? ''}'>\tOptional: ${r.optional === true}`,
      );
    } else if (from?.secretKeyRef) {
      const r = from.secretKeyRef;
      out.push(
        `${i}  ${e.name}:\t<set to the key '${r.key}' in secret '${r.name ?? ''}'>\tOptional: ${r.optional === true}`,
      );
    } else if (from?.fieldRef) {
      out.push(`${i}  ${e.name}:\t (v1:${from.fieldRef.fieldPath})`);
    } else {
      (e.value ?? '')
        .split('\n')
        .forEach((line, n) => out.push(n === 0 ? `${i}  ${e.name}:\t${line}` : `${i}  \t${line}`));
    }
  }
  return out;
}

/** describeContainerVolumes: each mount by path, `ro` / `rw` and its subPath. */
function mountLines(i: string, c: Container): string[] {
  const mounts = [...(c.volumeMounts ?? [])].sort((a, b) =>
    a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0,
  );
  if (mounts.length === 0) return [`${i}Mounts:\t<none>`];
  return [
    `${i}Mounts:`,
    ...mounts.map((m) => {
      const flags = [
        m.readOnly ? 'ro' : 'rw',
        ...(m.subPath ? [`path=${JSON.stringify(m.subPath)}`] : []),
      ];
      return `${i}  ${m.mountPath} from ${m.name} (${flags.join(',')})`;
    }),
  ];
}

/** describeVolumes for the volume types the lab fills or keeps most often. */
function volumeLines(p: Pod): string[] {
  const volumes = p.spec.volumes ?? [];
  if (volumes.length === 0) return ['Volumes:\t<none>'];
  const out = ['Volumes:'];
  for (const v of volumes) {
    out.push(`  ${v.name}:`);
    const source = (k: string) => v[k] as Record<string, unknown> | undefined;
    const optional = (o: Record<string, unknown>) => `    Optional:\t${o.optional === true}`;
    const cm = source('configMap');
    const secret = source('secret');
    const claim = source('persistentVolumeClaim');
    const empty = source('emptyDir');
    if (cm)
      out.push(
        '    Type:\tConfigMap (a volume populated by a ConfigMap)',
        `    Name:\t${String(cm.name ?? '')}`,
        optional(cm),
      );
    else if (secret)
      out.push(
        '    Type:\tSecret (a volume populated by a Secret)',
        `    SecretName:\t${String(secret.secretName ?? '')}`,
        optional(secret),
      );
    else if (claim)
      out.push(
        '    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
        `    ClaimName:\t${String(claim.claimName ?? '')}`,
        `    ReadOnly:\t${claim.readOnly === true}`,
      );
    else if (empty)
      out.push(
        "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)",
        `    Medium:\t${String(empty.medium ?? '')}`,
        `    SizeLimit:\t${empty.sizeLimit === undefined ? '<unset>' : String(empty.sizeLimit)}`,
      );
  }
  return out;
}

/** kubectl's describeConfigMap: each key and its value, then binaryData's sizes. */
function describeConfigMap(m: ConfigMap): string[] {
  const keys = (o: Record<string, string> | undefined) => Object.keys(o ?? {}).sort();
  return [
    `Name:\t${m.metadata.name}`,
    `Namespace:\t${m.metadata.namespace ?? ''}`,
    ...metaLines(m),
    '',
    'Data',
    '====',
    ...keys(m.data).flatMap((k) => [`${k}:`, '----', m.data![k]!, '']),
    '',
    'BinaryData',
    '====',
    ...keys(m.binaryData).map(
      (k) => `${k}: ${Math.floor((m.binaryData![k]!.replace(/=+$/, '').length * 3) / 4)} bytes`,
    ),
    '',
  ];
}

function describePod(p: Pod): string[] {
  const owner = p.metadata.ownerReferences?.find((r) => r.controller);
  const hostIP = p.status?.hostIP;
  const ip = p.status?.podIP;
  return [
    `Name:\t${p.metadata.name}`,
    `Namespace:\t${p.metadata.namespace}`,
    // kubectl's: each line only when its field is set (the Priority admission plugin sets it).
    ...(p.spec.priority !== undefined ? [`Priority:\t${p.spec.priority}`] : []),
    ...(p.spec.priorityClassName ? [`Priority Class Name:\t${p.spec.priorityClassName}`] : []),
    `Service Account:\t${p.spec.serviceAccountName ?? 'default'}`,
    `Node:\t${p.spec.nodeName ? `${p.spec.nodeName}${hostIP ? `/${hostIP}` : ''}` : '<none>'}`,
    `Start Time:\t${rfc1123z(p.status?.startTime ?? p.metadata.creationTimestamp)}`,
    ...metaLines(p),
    `Status:\t${podStatusText(p)}`,
    // The kubelet's word on the pod (l4lab's: `stand-in for redis:7: ...`), as kubectl prints it.
    ...(p.status?.reason ? [`Reason:\t${p.status.reason}`] : []),
    ...(p.status?.message ? [`Message:\t${p.status.message}`] : []),
    ...(p.metadata.deletionTimestamp
      ? [`Termination Grace Period:\t${p.metadata.deletionGracePeriodSeconds ?? 30}s`]
      : []),
    `IP:\t${ip ?? ''}`,
    `IPs:${ip ? '' : '\t<none>'}`,
    ...(ip ? [`  IP:\t${ip}`] : []),
    ...(owner ? [`Controlled By:\t${owner.kind}/${owner.name}`] : []),
    ...(p.spec.initContainers?.length
      ? [
          'Init Containers:',
          ...containerLines('  ', p.spec.initContainers, p.status?.initContainerStatuses),
        ]
      : []),
    'Containers:',
    ...containerLines('  ', p.spec.containers, p.status?.containerStatuses),
    'Conditions:',
    '  Type\tStatus',
    ...(p.status?.conditions ?? []).map((c) => `  ${c.type} \t${c.status} `),
    ...volumeLines(p),
    `QoS Class:\t${p.status?.qosClass ?? podQOSClass(p)}`,
    ...multiline('', 'Node-Selectors', labelLines(p.spec.nodeSelector, '=')),
    ...multiline('', 'Tolerations', tolerationLines(p.spec.tolerations)),
  ];
}

/**
 * kubectl's Tolerations lines (printTolerationsMultiline): by key, `key=value:Effect`, `op=Exists`
 * for an Exists without a value, and ` for Ns` when bounded.
 */
function tolerationLines(tolerations: Toleration[] | undefined): string[] {
  return [...(tolerations ?? [])]
    .sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''))
    .map((t) => {
      let line = `${t.key ?? ''}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`;
      if (t.operator === 'Exists' && !t.value) line += line ? ' op=Exists' : 'op=Exists';
      if (t.tolerationSeconds !== undefined) line += ` for ${t.tolerationSeconds}s`;
      return line;
    });
}

function describeService(s: Service, source: KubectlSource): string[] {
  const type = s.spec.type ?? 'ClusterIP';
  const slices = source
    .list('EndpointSlice', s.metadata.namespace)
    .filter((x) => x.metadata.labels?.['kubernetes.io/service-name'] === s.metadata.name);
  const lines = [
    `Name:\t${s.metadata.name}`,
    `Namespace:\t${s.metadata.namespace}`,
    ...metaLines(s),
    `Selector:\t${formatLabels(s.spec.selector)}`,
    `Type:\t${type}`,
  ];
  if (type === 'ExternalName') {
    lines.push(`External Name:\t${s.spec.externalName ?? ''}`);
  } else {
    lines.push(
      `IP Family Policy:\t${s.spec.ipFamilyPolicy ?? 'SingleStack'}`,
      `IP Families:\t${(s.spec.ipFamilies ?? ['IPv4']).join(',')}`,
    );
    lines.push(`IP:\t${s.spec.clusterIP ?? ''}`, `IPs:\t${(s.spec.clusterIPs ?? []).join(',')}`);
  }
  if (s.spec.externalIPs?.length) lines.push(`External IPs:\t${s.spec.externalIPs.join(',')}`);
  const ingress = s.status?.loadBalancer?.ingress ?? [];
  if (ingress.length) lines.push(`LoadBalancer Ingress:\t${ingress.map((i) => i.ip).join(', ')}`);
  for (const p of s.spec.ports ?? []) {
    const name = p.name ? p.name : '<unset>';
    const proto = p.protocol ?? 'TCP';
    lines.push(`Port:\t${name}\t${p.port}/${proto}`);
    const target = p.targetPort ?? p.port;
    lines.push(`TargetPort:\t${target}/${proto}`);
    if (p.nodePort) lines.push(`NodePort:\t${name}\t${p.nodePort}/${proto}`);
    if (hasEndpoints(s)) {
      const eps: string[] = [];
      for (const slice of slices) {
        const sp = slice.ports.find((x) => x.name === (p.name ?? ''));
        if (!sp) continue;
        for (const e of slice.endpoints)
          if (endpointConditions(e).ready) eps.push(`${e.addresses[0]}:${sp.port}`);
      }
      const shown = eps.slice(0, 3).join(',');
      lines.push(`Endpoints:\t${eps.length > 3 ? `${shown} + ${eps.length - 3} more...` : shown}`);
    }
  }
  lines.push(`Session Affinity:\t${s.spec.sessionAffinity ?? 'None'}`);
  const timeout = s.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (s.spec.sessionAffinity === 'ClientIP' && timeout) {
    lines.push(`Session Affinity Timeout:\t${timeout}s`);
  }
  if (type === 'NodePort' || type === 'LoadBalancer') {
    lines.push(`External Traffic Policy:\t${s.spec.externalTrafficPolicy ?? 'Cluster'}`);
  }
  if (type !== 'ExternalName') {
    lines.push(`Internal Traffic Policy:\t${s.spec.internalTrafficPolicy ?? 'Cluster'}`);
  }
  return lines;
}

/**
 * describe's Events: what the components said about the object (the cluster's recorder), with
 * kubectl's `Age` (`12s`, `40s (x3 over 2m)`).
 */
function eventLines(o: KubeObject, source: KubectlSource, now: number): string[] {
  const events = source.events?.(o) ?? [];
  if (events.length === 0) return ['Events:\t<none>'];
  return [
    'Events:',
    '  Type\tReason\tAge\tFrom\tMessage',
    '  ----\t------\t----\t----\t-------',
    ...events.map((e) => {
      const last = age(e.lastTimestamp, now);
      const when = e.count > 1 ? `${last} (x${e.count} over ${age(e.firstTimestamp, now)})` : last;
      return `  ${e.type}\t${e.reason}\t${when}\t${e.source.component}\t${e.message}`;
    }),
  ];
}

function describeDeployment(d: Deployment, source: KubectlSource): string[] {
  const st = d.status ?? {};
  const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
  const ru = d.spec.strategy?.rollingUpdate;
  const rss = source
    .list('ReplicaSet', d.metadata.namespace)
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));
  const hash = podTemplateHash(d.spec.template);
  const newest = rss.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const rsText = (rs: (typeof rss)[number]) =>
    `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas} replicas created)`;
  const olds = rss.filter((rs) => rs !== newest && rs.spec.replicas > 0);
  return [
    `Name:\t${d.metadata.name}`,
    `Namespace:\t${d.metadata.namespace}`,
    `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}`,
    ...metaLines(d),
    `Selector:\t${formatLabelSelector(d.spec.selector)}`,
    `Replicas:\t${d.spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`,
    `StrategyType:\t${strategy}`,
    `MinReadySeconds:\t${d.spec.minReadySeconds ?? 0}`,
    ...(strategy === 'RollingUpdate'
      ? [
          `RollingUpdateStrategy:\t${ru?.maxUnavailable ?? '25%'} max unavailable, ${ru?.maxSurge ?? '25%'} max surge`,
        ]
      : []),
    'Pod Template:',
    ...multiline('  ', 'Labels', labelLines(d.spec.template.metadata?.labels, '=')),
    '  Containers:',
    ...containerLines('   ', d.spec.template.spec.containers, undefined),
    'Conditions:',
    '  Type\tStatus\tReason',
    '  ----\t------\t------',
    ...(st.conditions ?? []).map((c) => `  ${c.type} \t${c.status}\t${c.reason ?? ''}`),
    `OldReplicaSets:\t${olds.length ? olds.map(rsText).join(', ') : '<none>'}`,
    `NewReplicaSet:\t${newest ? rsText(newest) : '<none>'}`,
  ];
}

/** Go's zero time.Time in RFC1123Z: what describe prints for a time the object does not have. */
const ZERO_TIME = 'Mon, 01 Jan 0001 00:00:00 +0000';

type Side = 'requests' | 'limits';

/** The sum of quantities of a resource: millicores for cpu, units otherwise (as describe divides). */
const amountOf = (name: string, qs: string[]) =>
  qs.reduce((a, q) => a + (name === 'cpu' ? quantityMilliValue(q) : quantityValue(q)), 0);

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A pod's requests or limits by resource, as quantities to add up (resourcehelper's
 * PodRequestsAndLimits): the containers' sum, raised to any init container's own when larger.
 * A limit without a request stands for the request, as the API server's defaulting sets it.
 */
function podQuantities(pod: Pod, side: Side): Map<string, string[]> {
  const of = (c: Container): Record<string, string | number> =>
    side === 'limits'
      ? { ...c.resources?.limits }
      : { ...c.resources?.limits, ...c.resources?.requests };
  const total = new Map<string, string[]>();
  for (const c of pod.spec.containers) {
    for (const [name, q] of Object.entries(of(c)))
      total.set(name, [...(total.get(name) ?? []), String(q)]);
  }
  for (const c of pod.spec.initContainers ?? []) {
    for (const [name, q] of Object.entries(of(c))) {
      if (amountOf(name, [String(q)]) > amountOf(name, total.get(name) ?? []))
        total.set(name, [String(q)]);
    }
  }
  return total;
}

/** `250m (6%)`: the amount and its share of the node's allocatable, truncated as describe does. */
function share(name: string, qs: string[], allocatable: Record<string, string>): string {
  const of = allocatable[name] ? amountOf(name, [allocatable[name]]) : 0;
  const percent = of > 0 ? Math.trunc((amountOf(name, qs) / of) * 100) : 0;
  return `${quantitySum(qs)} (${percent}%)`;
}

/** kubectl describe node (describeNode, describeNodeResource), the fields l4lab's nodes have. */
function describeNode(n: Node, source: KubectlSource, now: number): string[] {
  // Sorted as printNodeTaintsMultiline sorts them: by effect, then key.
  const taints = [...(n.spec.taints ?? [])]
    .sort((a, b) => byteOrder(`${a.effect},${a.key}`, `${b.effect},${b.key}`))
    .map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  const resources = (list: Record<string, string> | undefined) =>
    Object.keys(list ?? {})
      .sort()
      .map((k) => `  ${k}:\t${quantitySum([list![k]!])}`);
  const info = n.status.nodeInfo;
  const nonEmpty = (l: Record<string, string> | undefined) =>
    l && Object.keys(l).length > 0 ? l : undefined;
  const allocatable = nonEmpty(n.status.allocatable) ?? n.status.capacity ?? {};
  const pods = source
    .list('Pod')
    .filter(
      (p) =>
        p.spec.nodeName === n.metadata.name &&
        p.status?.phase !== 'Succeeded' &&
        p.status?.phase !== 'Failed',
    )
    // As the API lists them: by namespace, then name.
    .sort((a, b) =>
      byteOrder(
        `${a.metadata.namespace}/${a.metadata.name}`,
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    );
  const totals = { requests: new Map<string, string[]>(), limits: new Map<string, string[]>() };
  const podRows = pods.map((p) => {
    const req = podQuantities(p, 'requests');
    const lim = podQuantities(p, 'limits');
    for (const [side, m] of [
      ['requests', req],
      ['limits', lim],
    ] as const) {
      for (const [name, qs] of m)
        totals[side].set(name, [...(totals[side].get(name) ?? []), ...qs]);
    }
    const cell = (m: Map<string, string[]>, name: string) =>
      share(name, m.get(name) ?? [], allocatable);
    return `  ${p.metadata.namespace}\t${p.metadata.name}\t\t${cell(req, 'cpu')}\t${cell(lim, 'cpu')}\t${cell(req, 'memory')}\t${cell(lim, 'memory')}\t${age(p.metadata.creationTimestamp, now)}`;
  });
  const total = (side: Side, name: string) =>
    share(name, totals[side].get(name) ?? [], allocatable);
  // IsStandardContainerResourceName's, and pods (not a container's resource).
  const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods']);
  const hugePages = Object.keys(allocatable)
    .filter((k) => k.startsWith('hugepages-'))
    .sort();
  const extended = Object.keys(allocatable)
    .filter((k) => !STANDARD.has(k) && !k.startsWith('hugepages-'))
    .sort();
  // The lab's own nodes (their kubelet is l4lab's): the Lease their kubelet renews.
  // Another cluster's (remote mode): the lease is not mirrored, so nothing is said of it.
  const labNode = info?.kubeletVersion.includes('+l4lab') ?? true;
  return [
    `Name:\t${n.metadata.name}`,
    `Roles:\t${nodeRoles(n)}`,
    ...metaLines(n),
    `CreationTimestamp:\t${rfc1123z(n.metadata.creationTimestamp)}`,
    ...multiline('', 'Taints', taints),
    `Unschedulable:\t${n.spec.unschedulable === true}`,
    ...(labNode
      ? [
          'Lease:',
          `  HolderIdentity:\t${n.metadata.name}`,
          '  AcquireTime:\t<unset>',
          `  RenewTime:\t${rfc1123z(new Date(nodeLeaseRenewedAt(n, now)).toISOString())}`,
        ]
      : []),
    ...(n.status.conditions.length
      ? [
          'Conditions:',
          '  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage',
          '  ----\t------\t-----------------\t------------------\t------\t-------',
          ...n.status.conditions.map(
            (c) =>
              `  ${c.type} \t${c.status} \t${c.lastHeartbeatTime ? rfc1123z(c.lastHeartbeatTime) : ZERO_TIME} \t${c.lastTransitionTime ? rfc1123z(c.lastTransitionTime) : ZERO_TIME} \t${c.reason ?? ''} \t${c.message ?? ''}`,
          ),
        ]
      : []),
    'Addresses:',
    ...n.status.addresses.map((a) => `  ${a.type}:\t${a.address}`),
    ...(nonEmpty(n.status.capacity) ? ['Capacity:', ...resources(n.status.capacity)] : []),
    ...(nonEmpty(n.status.allocatable) ? ['Allocatable:', ...resources(n.status.allocatable)] : []),
    'System Info:',
    `  Machine ID:\t${info?.machineID ?? ''}`,
    `  System UUID:\t${info?.systemUUID ?? ''}`,
    `  Boot ID:\t${info?.bootID ?? ''}`,
    `  Kernel Version:\t${info?.kernelVersion ?? ''}`,
    `  OS Image:\t${info?.osImage ?? ''}`,
    `  Operating System:\t${info?.operatingSystem ?? ''}`,
    `  Architecture:\t${info?.architecture ?? ''}`,
    `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ''}`,
    `  Kubelet Version:\t${info?.kubeletVersion ?? ''}`,
    `  Kube-Proxy Version:\t${info?.kubeProxyVersion ?? ''}`,
    ...(n.spec.podCIDR ? [`PodCIDR:\t${n.spec.podCIDR}`] : []),
    ...(n.spec.podCIDRs?.length ? [`PodCIDRs:\t${n.spec.podCIDRs.join(',')}`] : []),
    ...(source.allPods === false
      ? // kubectl lists the node's pods in every namespace; a user who may not is told so.
        ['Pods:\tnot authorized']
      : [
          `Non-terminated Pods:\t(${pods.length} in total)`,
          '  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge',
          '  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---',
          ...podRows,
          'Allocated resources:',
          '  (Total limits may be over 100 percent, i.e., overcommitted.)',
          '  Resource\tRequests\tLimits',
          '  --------\t--------\t------',
          ...['cpu', 'memory', 'ephemeral-storage', ...hugePages].map(
            (name) => `  ${name}\t${total('requests', name)}\t${total('limits', name)}`,
          ),
          // Extended resources (nvidia.com/gpu, ...): the amounts, without a share.
          ...extended.map(
            (name) =>
              `  ${name}\t${quantitySum(totals.requests.get(name) ?? [])}\t${quantitySum(totals.limits.get(name) ?? [])}`,
          ),
        ]),
  ];
}
