// The API reference's descriptions (first sentences) of the endpoints types users write for a
// Service without selector (endpointsSchema.ts): discovery/v1 EndpointSlice and core/v1 Endpoints.

type Docs = Readonly<Record<string, Readonly<Record<string, string>>>>;

export const ENDPOINTS_FIELD_DOCS: Docs = {
  'v1.ObjectReference': {
    apiVersion: 'API version of the referent.',
    fieldPath:
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
    kind: 'Kind of the referent.',
    name: 'Name of the referent.',
    namespace: 'Namespace of the referent.',
    resourceVersion: 'Specific resourceVersion to which this reference is made, if any.',
    uid: 'UID of the referent.',
  },
  'v1.EndpointPort': {
    appProtocol:
      'The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand.',
    name: 'The name of this port. It must match the name of the Service port it stands for; it may be empty when the Service has one port.',
    port: 'The port number of the endpoint.',
    protocol: 'The IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.',
  },
  'v1.Endpoint': {
    addresses:
      'addresses of this endpoint. For EndpointSlices of addressType "IPv4" or "IPv6", the values are IP addresses in canonical form. Must contain at least one address but no more than 100.',
    conditions: 'conditions contains information about the current status of the endpoint.',
    deprecatedTopology:
      'deprecatedTopology contains topology information part of the v1beta1 API. This field is deprecated, and will be removed when the v1beta1 API is removed.',
    hints: 'hints contains information associated with how an endpoint should be consumed.',
    hostname:
      'hostname of this endpoint. This field may be used by consumers of endpoints to distinguish endpoints from each other (e.g. in DNS names).',
    nodeName:
      'nodeName represents the name of the Node hosting this endpoint. This can be used to determine endpoints local to a Node.',
    targetRef: 'targetRef is a reference to a Kubernetes object that represents this endpoint.',
    zone: 'zone is the name of the Zone this endpoint exists in.',
  },
  'v1.EndpointConditions': {
    ready:
      'ready indicates that this endpoint is ready to receive traffic, according to whatever system is managing the endpoint. A nil value should be interpreted as "true".',
    serving:
      'serving indicates that this endpoint is able to receive traffic, according to whatever system is managing the endpoint. A nil value should be interpreted as "true".',
    terminating:
      'terminating indicates that this endpoint is terminating. A nil value should be interpreted as "false".',
  },
  'v1.EndpointHints': {
    forNodes:
      'forNodes indicates the node(s) this endpoint should be consumed by when using topology aware routing. May contain a maximum of 8 entries. This is an Alpha feature and is only used when the PreferSameTrafficDistribution feature gate is enabled.',
    forZones:
      'forZones indicates the zone(s) this endpoint should be consumed by when using topology aware routing. May contain a maximum of 8 entries.',
  },
  'v1.ForZone': { name: 'name represents the name of the zone.' },
  'v1.ForNode': { name: 'name represents the name of the node.' },
  'v1.EndpointAddress': {
    hostname: 'The Hostname of this endpoint',
    ip: 'The IP of this endpoint. May not be loopback (127.0.0.0/8 or ::1), link-local (169.254.0.0/16 or fe80::/10), or link-local multicast (224.0.0.0/24 or ff02::/16).',
    nodeName:
      'Optional: Node hosting this endpoint. This can be used to determine endpoints local to a node.',
    targetRef: 'Reference to object providing the endpoint.',
  },
  'v1.EndpointSubset': {
    addresses:
      'IP addresses which offer the related ports that are marked as ready. These endpoints should be considered safe for load balancers and clients to utilize.',
    notReadyAddresses:
      'IP addresses which offer the related ports but are not currently marked as ready because they have not yet finished starting, have recently failed a readiness check, or have recently failed a liveness check.',
    ports: 'Port numbers available on the related IP addresses.',
  },
};

const TYPE_META = {
  apiVersion:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  metadata: "Standard object's metadata.",
};

export const ENDPOINTS_KIND_DOCS: Readonly<
  Record<string, { description: string; fields: Record<string, string> }>
> = {
  EndpointSlice: {
    description:
      'EndpointSlice represents a subset of the endpoints that implement a service. For a given service there may be multiple EndpointSlice objects, selected by labels, which must be joined to produce the full set of endpoints.',
    fields: {
      ...TYPE_META,
      addressType:
        'addressType specifies the type of address carried by this EndpointSlice: IPv4, IPv6 or FQDN. All addresses in this slice must be the same type. This field is immutable after creation.',
      endpoints:
        'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.',
      ports:
        'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name.',
    },
  },
  Endpoints: {
    description:
      'Endpoints is a collection of endpoints that implement the actual service. Deprecated: use EndpointSlices; a user writes one for a Service without selector, named like the Service.',
    fields: {
      ...TYPE_META,
      subsets:
        'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share.',
    },
  },
};
