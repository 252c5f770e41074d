// Validation of the endpoints users write for a Service without selector: discovery/v1
// EndpointSlices (pkg/apis/discovery/validation) and core/v1 Endpoints (ValidateEndpoints), on
// defaulted objects. Addresses follow the Service's externalIPs rule: l4lab's cluster network is
// 127/8, so only the host's own 127.0.0.1 is refused as loopback (validateNonSpecialIP).
import { PROTOCOLS } from './validatePod.ts';
import { child, duplicate, index, invalid, notSupported, required, tooMany } from './fieldError.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isIP,
  isIPv4,
  isQualifiedName,
  isValidLabelValue,
  isValidPortNum,
} from './names.ts';
import type { FieldError } from './types.ts';
import { validateObjectMeta } from './validateMeta.ts';
import type { MetaShape } from './validateMeta.ts';
import { IP_MSG, validateNonSpecialIP } from './validateServiceFields.ts';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

interface PortShape {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSliceShape {
  metadata?: MetaShape;
  addressType?: string;
  endpoints?: {
    addresses?: string[];
    hostname?: string;
    nodeName?: string;
    hints?: { forZones?: { name?: string }[]; forNodes?: { name?: string }[] };
  }[];
  ports?: PortShape[];
}

interface AddressShape {
  ip?: string;
  hostname?: string;
  nodeName?: string;
}

export interface EndpointsShape {
  metadata?: MetaShape;
  subsets?: {
    addresses?: AddressShape[];
    notReadyAddresses?: AddressShape[];
    ports?: PortShape[];
  }[];
}

/** ValidateEndpointSlice: metadata, addressType, endpoints, ports. */
export function validateEndpointSlice(s: EndpointSliceShape): FieldError[] {
  const errs = validateObjectMeta(s.metadata ?? {}, true, isDNS1123Subdomain);
  const type = s.addressType ?? '';
  if (type === '') errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type))
    errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  errs.push(...validateSliceEndpoints(s.endpoints ?? [], type));
  errs.push(...validateSlicePorts(s.ports ?? []));
  return errs;
}

function validateSliceEndpoints(
  endpoints: NonNullable<EndpointSliceShape['endpoints']>,
  type: string,
): FieldError[] {
  if (endpoints.length > MAX_ENDPOINTS)
    return [tooMany('endpoints', endpoints.length, MAX_ENDPOINTS)];
  const errs: FieldError[] = [];
  endpoints.forEach((e, i) => {
    const path = index('endpoints', i);
    const addressPath = child(path, 'addresses');
    const addresses = e.addresses ?? [];
    if (addresses.length === 0) errs.push(required(addressPath, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES)
      errs.push(tooMany(addressPath, addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => errs.push(...validateSliceAddress(a, type, index(addressPath, j))));
    if (e.nodeName !== undefined) errs.push(...nameErrors(e.nodeName, child(path, 'nodeName')));
    if (e.hostname !== undefined) errs.push(...labelErrors(e.hostname, child(path, 'hostname')));
    if (e.hints) errs.push(...validateHints(e.hints, child(path, 'hints')));
  });
  return errs;
}

const MAX_HINTS = 8;

/** validateHints: at most 8 zones (label values) and 8 nodes (node names), none twice. */
function validateHints(
  hints: NonNullable<NonNullable<EndpointSliceShape['endpoints']>[number]['hints']>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const each = (
    list: { name?: string }[] | undefined,
    field: string,
    check: (name: string, at: string) => FieldError[],
  ) => {
    const at = child(path, field);
    if (!list) return;
    if (list.length > MAX_HINTS) {
      errs.push(tooMany(at, list.length, MAX_HINTS));
      return;
    }
    const seen = new Set<string>();
    list.forEach((h, i) => {
      const name = h.name ?? '';
      const namePath = child(index(at, i), 'name');
      if (seen.has(name)) errs.push(duplicate(namePath, name));
      seen.add(name);
      errs.push(...check(name, namePath));
    });
  };
  each(hints.forZones, 'forZones', (name, at) =>
    isValidLabelValue(name).map((msg) => invalid(at, name, msg)),
  );
  each(hints.forNodes, 'forNodes', nameErrors);
  return errs;
}

/** Known address types are checked; FQDN addresses must be fully qualified names. */
function validateSliceAddress(address: string, type: string, path: string): FieldError[] {
  if (type === 'IPv4') {
    const errs = isIPv4(address) ? [] : [invalid(path, address, 'must be a valid IPv4 address')];
    return [...errs, ...endpointIPErrors(address, path)];
  }
  if (type === 'IPv6') {
    const v6 = isIP(address) && !isIPv4(address);
    const errs = v6 ? [] : [invalid(path, address, 'must be a valid IPv6 address')];
    return [...errs, ...endpointIPErrors(address, path)];
  }
  if (type === 'FQDN') return fqdnErrors(address, path);
  return [];
}

/** ValidateEndpointIP: a valid address that is not unspecified, loopback or link-local. */
function endpointIPErrors(ip: string, path: string): FieldError[] {
  if (!isIP(ip)) return [invalid(path, ip, 'must be a valid IP address')];
  return validateNonSpecialIP(ip, path);
}

/** IsFullyQualifiedDomainName: a DNS subdomain of at least two labels (a trailing dot dropped). */
function fqdnErrors(address: string, path: string): FieldError[] {
  if (address === '') return [required(path)];
  const name = address.endsWith('.') ? address.slice(0, -1) : address;
  const subdomain = isDNS1123Subdomain(name);
  if (subdomain.length > 0) return [invalid(path, name, subdomain.join(','))];
  const labels = name.split('.');
  if (labels.length < 2)
    return [invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const msgs = isDNS1123Label(label);
    if (msgs.length > 0) return [invalid(path, label, msgs.join(','))];
  }
  return [];
}

function validateSlicePorts(ports: PortShape[]): FieldError[] {
  if (ports.length > MAX_PORTS) return [tooMany('ports', ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = index('ports', i);
    const name = p.name ?? '';
    if (name !== '') errs.push(...labelErrors(name, child(path, 'name')));
    if (names.has(name)) errs.push(duplicate(child(path, 'name'), name));
    else names.add(name);
    errs.push(...protocolErrors(p.protocol, child(path, 'protocol')));
    if (p.appProtocol !== undefined)
      errs.push(...qualifiedNameErrors(p.appProtocol, child(path, 'appProtocol')));
  });
  return errs;
}

/** ValidateEndpoints: metadata and subsets (addresses, ports with names when more than one). */
export function validateEndpoints(e: EndpointsShape): FieldError[] {
  const errs = validateObjectMeta(e.metadata ?? {}, true, isDNS1123Subdomain);
  (e.subsets ?? []).forEach((ss, i) => {
    const path = index('subsets', i);
    const addresses = ss.addresses ?? [];
    const notReady = ss.notReadyAddresses ?? [];
    if (addresses.length === 0 && notReady.length === 0)
      errs.push(required(path, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) =>
      errs.push(...validateEndpointAddress(a, index(child(path, 'addresses'), j))),
    );
    notReady.forEach((a, j) =>
      errs.push(...validateEndpointAddress(a, index(child(path, 'notReadyAddresses'), j))),
    );
    const ports = ss.ports ?? [];
    ports.forEach((p, j) =>
      errs.push(...validateEndpointPort(p, ports.length > 1, index(child(path, 'ports'), j))),
    );
  });
  return errs;
}

function validateEndpointAddress(a: AddressShape, path: string): FieldError[] {
  const ip = a.ip ?? '';
  const ipPath = child(path, 'ip');
  const errs = isIP(ip) ? [] : [invalid(ipPath, ip, IP_MSG)];
  if (a.hostname) errs.push(...labelErrors(a.hostname, child(path, 'hostname')));
  if (a.nodeName !== undefined) errs.push(...nameErrors(a.nodeName, child(path, 'nodeName')));
  errs.push(...endpointIPErrors(ip, ipPath));
  return errs;
}

function validateEndpointPort(p: PortShape, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = p.name ?? '';
  if (requireName && name === '') errs.push(required(child(path, 'name')));
  else if (name !== '') errs.push(...labelErrors(name, child(path, 'name')));
  const port = p.port ?? 0;
  for (const msg of isValidPortNum(port)) errs.push(invalid(child(path, 'port'), port, msg));
  errs.push(...protocolErrors(p.protocol, child(path, 'protocol')));
  if (p.appProtocol !== undefined)
    errs.push(...qualifiedNameErrors(p.appProtocol, child(path, 'appProtocol')));
  return errs;
}

function protocolErrors(protocol: string | undefined, path: string): FieldError[] {
  if (!protocol) return [required(path)];
  return (PROTOCOLS as readonly string[]).includes(protocol)
    ? []
    : [notSupported(path, protocol, PROTOCOLS)];
}

const labelErrors = (value: string, path: string) =>
  isDNS1123Label(value).map((msg) => invalid(path, value, msg));
const nameErrors = (value: string, path: string) =>
  isDNS1123Subdomain(value).map((msg) => invalid(path, value, msg));
const qualifiedNameErrors = (value: string, path: string) =>
  isQualifiedName(value).map((msg) => invalid(path, value, msg));
