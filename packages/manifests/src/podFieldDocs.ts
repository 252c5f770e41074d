// Kubernetes' API reference descriptions (first sentences) of the fields of the types a PodSpec holds (and the small shared ones of metaSchema.ts), generated once
// from the v1 models of @kubernetes/client-node beside podSchema.ts. Keyed like FIELD_DOCS (fieldDocs.ts),
// which holds them with the hand-written ones.
export const POD_FIELD_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'v1.ObjectFieldSelector': {
    apiVersion: 'Version of the schema the FieldPath is written in terms of, defaults to "v1".',
    fieldPath: 'Path of the field to select in the specified API version.',
  },
  'v1.ResourceFieldSelector': {
    containerName: 'Container name: required for volumes, optional for env vars',
    divisor: 'Specifies the output format of the exposed resources, defaults to "1"',
    resource: 'Required: resource to select',
  },
  'v1.LocalObjectReference': {
    name: 'Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.',
  },
  'v1.ManagedFieldsEntry': {
    apiVersion: 'APIVersion defines the version of this resource that this field set applies to.',
    fieldsType: 'FieldsType is the discriminator for the different fields format and version.',
    fieldsV1: 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.',
    manager: 'Manager is an identifier of the workflow managing these fields.',
    operation:
      'Operation is the type of operation which lead to this ManagedFieldsEntry being created.',
    subresource:
      'Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.',
    time: 'Time is the timestamp of when the ManagedFields entry was added.',
  },
  'v1.NodeSelectorRequirement': {
    key: 'The label key that the selector applies to.',
    operator: "Represents a key's relationship to a set of values.",
    values: 'An array of string values.',
  },
  'v1.NodeSelectorTerm': {
    matchExpressions: "A list of node selector requirements by node's labels.",
    matchFields: "A list of node selector requirements by node's fields.",
  },
  'v1.PreferredSchedulingTerm': {
    preference: 'A null or empty node selector term matches no objects.',
    weight:
      'Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.',
  },
  'v1.NodeSelector': {
    nodeSelectorTerms: 'Required. A list of node selector terms.',
  },
  'v1.NodeAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution:
      'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.',
    requiredDuringSchedulingIgnoredDuringExecution:
      'A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.',
  },
  'v1.PodAffinityTerm': {
    labelSelector: 'A label selector is a label query over a set of resources.',
    matchLabelKeys:
      'MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.',
    mismatchLabelKeys:
      'MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.',
    namespaceSelector: 'A label selector is a label query over a set of resources.',
    namespaces: 'namespaces specifies a static list of namespace names that the term applies to.',
    topologyKey:
      'This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node whose value of the label with key topologyKey matches that of any node on which any of the selected pods is running.',
  },
  'v1.WeightedPodAffinityTerm': {
    podAffinityTerm:
      'Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with, where co-located is defined as running on a node whose value of the label with key <topologyKey> matches that of any node on which a pod of the set of pods is running',
    weight:
      'weight associated with matching the corresponding podAffinityTerm, in the range 1-100.',
  },
  'v1.PodAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution:
      'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.',
    requiredDuringSchedulingIgnoredDuringExecution:
      'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.',
  },
  'v1.PodAntiAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution:
      'The scheduler will prefer to schedule pods to nodes that satisfy the anti-affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.',
    requiredDuringSchedulingIgnoredDuringExecution:
      'If the anti-affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.',
  },
  'v1.Affinity': {
    nodeAffinity: 'Node affinity is a group of node affinity scheduling rules.',
    podAffinity: 'Pod affinity is a group of inter pod affinity scheduling rules.',
    podAntiAffinity: 'Pod anti affinity is a group of inter pod anti affinity scheduling rules.',
  },
  'v1.ConfigMapKeySelector': {
    key: 'The key to select.',
    name: 'Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.',
    optional: 'Specify whether the ConfigMap or its key must be defined',
  },
  'v1.SecretKeySelector': {
    key: 'The key of the secret to select from.',
    name: 'Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.',
    optional: 'Specify whether the Secret or its key must be defined',
  },
  'v1.EnvVarSource': {
    configMapKeyRef: 'Selects a key from a ConfigMap.',
    fieldRef: 'ObjectFieldSelector selects an APIVersioned field of an object.',
    resourceFieldRef:
      'ResourceFieldSelector represents container resources (cpu, memory) and their output format',
    secretKeyRef: 'SecretKeySelector selects a key of a Secret.',
  },
  'v1.ConfigMapEnvSource': {
    name: 'Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.',
    optional: 'Specify whether the ConfigMap must be defined',
  },
  'v1.SecretEnvSource': {
    name: 'Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.',
    optional: 'Specify whether the Secret must be defined',
  },
  'v1.EnvFromSource': {
    configMapRef:
      'ConfigMapEnvSource selects a ConfigMap to populate the environment variables with.',
    prefix: 'Optional text to prepend to the name of each environment variable.',
    secretRef: 'SecretEnvSource selects a Secret to populate the environment variables with.',
  },
  'v1.ExecAction': {
    command:
      "Command is the command line to execute inside the container, the working directory for the command is root ('/') in the container's filesystem.",
  },
  'v1.HTTPHeader': {
    name: 'The header field name. This will be canonicalized upon output, so case-variant names will be understood as the same header.',
    value: 'The header field value',
  },
  'v1.HTTPGetAction': {
    host: 'Host name to connect to, defaults to the pod IP.',
    httpHeaders: 'Custom headers to set in the request.',
    path: 'Path to access on the HTTP server.',
    port: 'IntOrString is a type that can hold an int32 or a string.',
    scheme: 'Scheme to use for connecting to the host.',
  },
  'v1.SleepAction': {
    seconds: 'Seconds is the number of seconds to sleep.',
  },
  'v1.TCPSocketAction': {
    host: 'Optional: Host name to connect to, defaults to the pod IP.',
    port: 'IntOrString is a type that can hold an int32 or a string.',
  },
  'v1.LifecycleHandler': {
    exec: 'ExecAction describes a "run in container" action.',
    httpGet: 'HTTPGetAction describes an action based on HTTP Get requests.',
    sleep: 'SleepAction describes a "sleep" action.',
    tcpSocket: 'TCPSocketAction describes an action based on opening a socket',
  },
  'v1.Lifecycle': {
    postStart:
      'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.',
    preStop: 'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.',
  },
  'v1.GRPCAction': {
    port: 'Port number of the gRPC service.',
    service:
      'Service is the name of the service to place in the gRPC HealthCheckRequest (see https://github.com/grpc/grpc/blob/master/doc/health-checking.md).',
  },
  'v1.Probe': {
    exec: 'ExecAction describes a "run in container" action.',
    failureThreshold:
      'Minimum consecutive failures for the probe to be considered failed after having succeeded.',
    grpc: 'GRPCAction specifies an action involving a GRPC service.',
    httpGet: 'HTTPGetAction describes an action based on HTTP Get requests.',
    initialDelaySeconds:
      'Number of seconds after the container has started before liveness probes are initiated.',
    periodSeconds: 'How often (in seconds) to perform the probe.',
    successThreshold:
      'Minimum consecutive successes for the probe to be considered successful after having failed.',
    tcpSocket: 'TCPSocketAction describes an action based on opening a socket',
    terminationGracePeriodSeconds:
      'Optional duration in seconds the pod needs to terminate gracefully upon probe failure.',
    timeoutSeconds: 'Number of seconds after which the probe times out.',
  },
  'v1.ContainerResizePolicy': {
    resourceName: 'Name of the resource to which this resource resize policy applies.',
    restartPolicy: 'Restart policy to apply when specified resource is resized.',
  },
  'v1.ResourceClaim': {
    name: 'Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used.',
    request: 'Request is the name chosen for a request in the referenced claim.',
  },
  'v1.ResourceRequirements': {
    claims:
      'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.',
    limits: 'Limits describes the maximum amount of compute resources allowed.',
    requests: 'Requests describes the minimum amount of compute resources required.',
  },
  'v1.AppArmorProfile': {
    localhostProfile:
      'localhostProfile indicates a profile loaded on the node that should be used.',
    type: 'type indicates which kind of AppArmor profile will be applied.',
  },
  'v1.Capabilities': {
    add: 'Added capabilities',
    drop: 'Removed capabilities',
  },
  'v1.SELinuxOptions': {
    level: 'Level is SELinux level label that applies to the container.',
    role: 'Role is a SELinux role label that applies to the container.',
    type: 'Type is a SELinux type label that applies to the container.',
    user: 'User is a SELinux user label that applies to the container.',
  },
  'v1.SeccompProfile': {
    localhostProfile:
      'localhostProfile indicates a profile defined in a file on the node should be used.',
    type: 'type indicates which kind of seccomp profile will be applied.',
  },
  'v1.WindowsSecurityContextOptions': {
    gmsaCredentialSpec:
      'GMSACredentialSpec is where the GMSA admission webhook (https://github.com/kubernetes-sigs/windows-gmsa) inlines the contents of the GMSA credential spec named by the GMSACredentialSpecName field.',
    gmsaCredentialSpecName:
      'GMSACredentialSpecName is the name of the GMSA credential spec to use.',
    hostProcess:
      "HostProcess determines if a container should be run as a 'Host Process' container.",
    runAsUserName: 'The UserName in Windows to run the entrypoint of the container process.',
  },
  'v1.SecurityContext': {
    allowPrivilegeEscalation:
      'AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process.',
    appArmorProfile: "AppArmorProfile defines a pod or container's AppArmor settings.",
    capabilities: 'Adds and removes POSIX capabilities from running containers.',
    privileged: 'Run container in privileged mode.',
    procMount: 'procMount denotes the type of proc mount to use for the containers.',
    readOnlyRootFilesystem: 'Whether this container has a read-only root filesystem.',
    runAsGroup: 'The GID to run the entrypoint of the container process.',
    runAsNonRoot: 'Indicates that the container must run as a non-root user.',
    runAsUser: 'The UID to run the entrypoint of the container process.',
    seLinuxOptions: 'SELinuxOptions are the labels to be applied to the container',
    seccompProfile: "SeccompProfile defines a pod/container's seccomp profile settings.",
    windowsOptions:
      'WindowsSecurityContextOptions contain Windows-specific options and credentials.',
  },
  'v1.VolumeDevice': {
    devicePath: 'devicePath is the path inside of the container that the device will be mapped to.',
    name: 'name must match the name of a persistentVolumeClaim in the pod',
  },
  'v1.VolumeMount': {
    mountPath: 'Path within the container at which the volume should be mounted.',
    mountPropagation:
      'mountPropagation determines how mounts are propagated from the host to container and the other way around.',
    name: 'This must match the Name of a Volume.',
    readOnly: 'Mounted read-only if true, read-write otherwise (false or unspecified).',
    recursiveReadOnly:
      'RecursiveReadOnly specifies whether read-only mounts should be handled recursively.',
    subPath: "Path within the volume from which the container's volume should be mounted.",
    subPathExpr:
      "Expanded path within the volume from which the container's volume should be mounted.",
  },
  'v1.PodDNSConfigOption': {
    name: "Name is this DNS resolver option's name.",
    value: "Value is this DNS resolver option's value.",
  },
  'v1.PodDNSConfig': {
    nameservers: 'A list of DNS name server IP addresses.',
    options: 'A list of DNS resolver options.',
    searches: 'A list of DNS search domains for host-name lookup.',
  },
  'v1.EphemeralContainer': {
    args: 'Arguments to the entrypoint.',
    command: 'Entrypoint array. Not executed within a shell.',
    env: 'List of environment variables to set in the container.',
    envFrom: 'List of sources to populate environment variables in the container.',
    image: 'Container image name. More info: https://kubernetes.io/docs/concepts/containers/images',
    imagePullPolicy: 'Image pull policy. One of Always, Never, IfNotPresent.',
    lifecycle:
      'Lifecycle describes actions that the management system should take in response to container lifecycle events.',
    livenessProbe:
      'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.',
    name: 'Name of the ephemeral container specified as a DNS_LABEL.',
    ports: 'Ports are not allowed for ephemeral containers.',
    readinessProbe:
      'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.',
    resizePolicy: 'Resources resize policy for the container.',
    resources: 'ResourceRequirements describes the compute resource requirements.',
    restartPolicy:
      'Restart policy for the container to manage the restart behavior of each container within a pod.',
    securityContext:
      'SecurityContext holds security configuration that will be applied to a container.',
    startupProbe:
      'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.',
    stdin: 'Whether this container should allocate a buffer for stdin in the container runtime.',
    stdinOnce:
      'Whether the container runtime should close the stdin channel after it has been opened by a single attach.',
    targetContainerName:
      'If set, the name of the container from PodSpec that this ephemeral container targets.',
    terminationMessagePath:
      "Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem.",
    terminationMessagePolicy: 'Indicate how the termination message should be populated.',
    tty: "Whether this container should allocate a TTY for itself, also requires 'stdin' to be true.",
    volumeDevices: 'volumeDevices is the list of block devices to be used by the container.',
    volumeMounts: "Pod volumes to mount into the container's filesystem.",
    workingDir: "Container's working directory.",
  },
  'v1.HostAlias': {
    hostnames: 'Hostnames for the above IP address.',
    ip: 'IP address of the host file entry.',
  },
  'v1.PodOS': {
    name: 'Name is the name of the operating system.',
  },
  'v1.PodReadinessGate': {
    conditionType:
      "ConditionType refers to a condition in the pod's condition list with matching type.",
  },
  'v1.PodResourceClaim': {
    name: 'Name uniquely identifies this resource claim inside the pod.',
    resourceClaimName:
      'ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod.',
    resourceClaimTemplateName:
      'ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod.',
  },
  'v1.PodSchedulingGate': {
    name: 'Name of the scheduling gate.',
  },
  'v1.Sysctl': {
    name: 'Name of a property to set',
    value: 'Value of a property to set',
  },
  'v1.PodSecurityContext': {
    appArmorProfile: "AppArmorProfile defines a pod or container's AppArmor settings.",
    fsGroup: 'A special supplemental group that applies to all containers in a pod.',
    fsGroupChangePolicy:
      'fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod.',
    runAsGroup: 'The GID to run the entrypoint of the container process.',
    runAsNonRoot: 'Indicates that the container must run as a non-root user.',
    runAsUser: 'The UID to run the entrypoint of the container process.',
    seLinuxChangePolicy:
      "seLinuxChangePolicy defines how the container's SELinux label is applied to all volumes used by the Pod.",
    seLinuxOptions: 'SELinuxOptions are the labels to be applied to the container',
    seccompProfile: "SeccompProfile defines a pod/container's seccomp profile settings.",
    supplementalGroups:
      "A list of groups applied to the first process run in each container, in addition to the container's primary GID and fsGroup (if specified).",
    supplementalGroupsPolicy:
      'Defines how supplemental groups of the first container processes are calculated.',
    sysctls: 'Sysctls hold a list of namespaced sysctls used for the pod.',
    windowsOptions:
      'WindowsSecurityContextOptions contain Windows-specific options and credentials.',
  },
  'v1.Toleration': {
    effect: 'Effect indicates the taint effect to match.',
    key: 'Key is the taint key that the toleration applies to.',
    operator: "Operator represents a key's relationship to the value.",
    tolerationSeconds:
      'TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint.',
    value: 'Value is the taint value the toleration matches to.',
  },
  'v1.TopologySpreadConstraint': {
    labelSelector: 'A label selector is a label query over a set of resources.',
    matchLabelKeys:
      'MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated.',
    maxSkew: 'MaxSkew describes the degree to which pods may be unevenly distributed.',
    minDomains: 'MinDomains indicates a minimum number of eligible domains.',
    nodeAffinityPolicy:
      "NodeAffinityPolicy indicates how we will treat Pod's nodeAffinity/nodeSelector when calculating pod topology spread skew.",
    nodeTaintsPolicy:
      'NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew.',
    topologyKey: 'TopologyKey is the key of node labels.',
    whenUnsatisfiable:
      "WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint. - DoNotSchedule (default) tells the scheduler not to schedule it. - ScheduleAnyway tells the scheduler to schedule the pod in any location, but giving higher precedence to topologies that would help reduce the skew.",
  },
};
