// The Go types of the endpoints users write for a Service without selector: discovery/v1
// EndpointSlice and core/v1 Endpoints (both name their port type EndpointPort, with the same
// fields, so one schema serves both). Descriptions: endpointsFieldDocs.ts.
import type { Schema } from './schemaTypes.ts';
import { arr, bool, int32, map, named, obj, str, strings } from './schemaTypes.ts';

const objectReference = obj('v1.ObjectReference', {
  apiVersion: str,
  fieldPath: str,
  kind: str,
  name: str,
  namespace: str,
  resourceVersion: str,
  uid: named('types.UID'),
});

export const endpointPort = obj('v1.EndpointPort', {
  appProtocol: str,
  name: str,
  port: int32,
  protocol: named('v1.Protocol'),
});

const endpoint = obj('v1.Endpoint', {
  addresses: strings,
  conditions: obj('v1.EndpointConditions', { ready: bool, serving: bool, terminating: bool }),
  deprecatedTopology: map(str),
  hints: obj('v1.EndpointHints', {
    forNodes: arr(obj('v1.ForNode', { name: str })),
    forZones: arr(obj('v1.ForZone', { name: str })),
  }),
  hostname: str,
  nodeName: str,
  targetRef: objectReference,
  zone: str,
});

const endpointAddress = obj('v1.EndpointAddress', {
  hostname: str,
  ip: str,
  nodeName: str,
  targetRef: objectReference,
});

const endpointSubset = obj('v1.EndpointSubset', {
  addresses: arr(endpointAddress),
  notReadyAddresses: arr(endpointAddress),
  ports: arr(endpointPort),
});

/** The top-level fields of an EndpointSlice (it has no spec). */
export const ENDPOINT_SLICE_FIELDS: Record<string, Schema> = {
  addressType: named('v1.AddressType'),
  endpoints: arr(endpoint),
  ports: arr(endpointPort),
};

/** The top-level fields of v1 Endpoints. */
export const ENDPOINTS_FIELDS: Record<string, Schema> = {
  subsets: arr(endpointSubset),
};
