// The API reference's descriptions (first sentences) of the kinds the l4lab agent's manifests use
// beside the pod's: apps/v1 DaemonSet, core/v1 ServiceAccount, Secret and ConfigMap, rbac.authorization.k8s.io/v1
// ClusterRole and ClusterRoleBinding (accessSchema.ts, schema.ts).

type Docs = Readonly<Record<string, Readonly<Record<string, string>>>>;

export const ACCESS_FIELD_DOCS: Docs = {
  'v1.DaemonSetSpec': {
    selector:
      "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels.",
    template:
      "An object that describes the pod that will be created. The DaemonSet will create exactly one copy of this pod on every node that matches the template's node selector (or on every node if no node selector is specified).",
    updateStrategy: 'An update strategy to replace existing DaemonSet pods with new pods.',
    minReadySeconds:
      'The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available.',
    revisionHistoryLimit: 'The number of old history to retain to allow rollback. Defaults to 10.',
  },
  'v1.DaemonSetUpdateStrategy': {
    type: 'Type of daemon set update. Can be "RollingUpdate" or "OnDelete". Default is RollingUpdate.',
    rollingUpdate: 'Rolling update config params. Present only if type = "RollingUpdate".',
  },
  'v1.RollingUpdateDaemonSet': {
    maxUnavailable:
      'The maximum number of DaemonSet pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of total number of DaemonSet pods at the start of the update (ex: 10%). Default value is 1.',
    maxSurge:
      'The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during during an update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 0.',
  },
  'v1.PolicyRule': {
    apiGroups:
      'APIGroups is the name of the APIGroup that contains the resources. If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed. "" represents the core API group and "*" represents all API groups.',
    nonResourceURLs:
      'NonResourceURLs is a set of partial urls that a user should have access to. *s are allowed, but only as the full, final step in the path.',
    resourceNames:
      'ResourceNames is an optional white list of names that the rule applies to. An empty set means that everything is allowed.',
    resources:
      "Resources is a list of resources this rule applies to. '*' represents all resources.",
    verbs:
      "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs.",
  },
  'v1.AggregationRule': {
    clusterRoleSelectors:
      "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules. If any of the selectors match, then the ClusterRole's permissions will be added.",
  },
  'v1.RoleRef': {
    apiGroup: 'APIGroup is the group for the resource being referenced.',
    kind: 'Kind is the type of resource being referenced.',
    name: 'Name is the name of resource being referenced.',
  },
  'v1.Subject': {
    apiGroup:
      'APIGroup holds the API group of the referenced subject. Defaults to "" for ServiceAccount subjects. Defaults to "rbac.authorization.k8s.io" for User and Group subjects.',
    kind: 'Kind of object being referenced. Values defined by this API group are "User", "Group", and "ServiceAccount".',
    name: 'Name of the object being referenced.',
    namespace:
      'Namespace of the referenced object. If the object kind is non-namespace, such as "User" or "Group", and this value is not empty the Authorizer should report an error.',
  },
};

const TYPE_META = {
  apiVersion:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  metadata: "Standard object's metadata.",
};

export const ACCESS_KIND_DOCS: Readonly<
  Record<string, { description: string; fields: Record<string, string> }>
> = {
  DaemonSet: {
    description: 'DaemonSet represents the configuration of a daemon set.',
    fields: {
      ...TYPE_META,
      spec: 'The desired behavior of this daemon set.',
      status:
        'The current status of this daemon set. This data may be out of date by some window of time. Populated by the system. Read-only.',
    },
  },
  ServiceAccount: {
    description:
      'ServiceAccount binds together: a name, understood by users, and perhaps by peripheral systems, for an identity; a principal that can be authenticated and authorized; a set of secrets.',
    fields: {
      ...TYPE_META,
      automountServiceAccountToken:
        'AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted. Can be overridden at the pod level.',
      imagePullSecrets:
        'ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount.',
      secrets:
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    },
  },
  Secret: {
    description:
      'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.',
    fields: {
      ...TYPE_META,
      data: "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string.",
      stringData:
        'stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values.',
      type: 'Used to facilitate programmatic handling of secret data.',
      immutable:
        'Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).',
    },
  },
  ConfigMap: {
    description: 'ConfigMap holds configuration data for pods to consume.',
    fields: {
      ...TYPE_META,
      data: "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
      binaryData:
        "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'. BinaryData can contain byte sequences that are not in the UTF-8 range. The keys stored in BinaryData must not overlap with the ones in the Data field, this is enforced during validation process. Using this field will require 1.10+ apiserver and kubelet.",
      immutable:
        'Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.',
    },
  },
  ClusterRole: {
    description:
      'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
    fields: {
      ...TYPE_META,
      rules: 'Rules holds all the PolicyRules for this ClusterRole',
      aggregationRule:
        'AggregationRule is an optional field that describes how to build the Rules for this ClusterRole. If AggregationRule is set, then the Rules are controller managed and direct changes to Rules will be stomped by the controller.',
    },
  },
  ClusterRoleBinding: {
    description:
      'ClusterRoleBinding references a ClusterRole, but not contain it. It can reference a ClusterRole in the global namespace, and adds who information via Subject.',
    fields: {
      ...TYPE_META,
      roleRef:
        'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
      subjects: 'Subjects holds references to the objects the role applies to.',
    },
  },
};
