// A Service's IP family fields on l4lab's cluster, which is single-stack IPv4 (every address is a
// 127/8 one): the checks of the registry before it allocates (initIPFamilyFields in
// pkg/registry/core/service/storage/alloc.go) and the family checks of
// ValidateServiceClusterIPsRelatedFields, with their messages. Defaulting is in defaults.ts.
import { duplicate, GoLiteral, index, invalid, notSupported } from './fieldError.ts';
import { goStringSlice } from './goLiteral.ts';
import { isIP, isIPv4 } from './names.ts';
import type { FieldError } from './types.ts';
import { validateClusterIPs } from './validateServiceFields.ts';

export const IP_FAMILIES = ['IPv4', 'IPv6'];
export const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
/** The only family this cluster has (`--service-cluster-ip-range` is one IPv4 range). */
export const CLUSTER_IP_FAMILY = 'IPv4';

export interface IPFamilySpec {
  type?: string;
  selector?: Record<string, string>;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
}

/** clusterIP `None` and no selector: the one kind of Service that may be dual-stack here. */
export function isHeadlessWithoutSelector(spec: IPFamilySpec): boolean {
  return spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0;
}

/**
 * What the API server refuses before allocating a Service's cluster IPs, checked on the defaulted
 * Service. When this is not empty the registry answers with these errors alone (allocation runs
 * before the rest of validation).
 */
export function ipFamilyAllocationErrors(spec: IPFamilySpec): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const related = [...validateClusterIPs(spec), ...validateFamilyFields(spec)];
  if (related.length > 0) return related;

  const clusterIPs = spec.clusterIPs ?? [];
  const families = spec.ipFamilies ?? [];
  const policy = spec.ipFamilyPolicy;
  const errs: FieldError[] = [];
  if (policy === 'SingleStack') {
    const why = (what: string) =>
      `must be 'RequireDualStack' or 'PreferDualStack' when multiple ${what} are specified`;
    if (clusterIPs.length === 2)
      errs.push(invalid('spec.ipFamilyPolicy', policy, why('cluster IPs')));
    if (families.length === 2)
      errs.push(invalid('spec.ipFamilyPolicy', policy, why('IP families')));
  }
  // A cluster IP whose family was not given is the family of the address, if the cluster has it.
  for (const [i, ip] of clusterIPs.entries()) {
    if (ip === 'None') break;
    if (i >= families.length && !isIPv4(ip)) {
      const value = new GoLiteral(goStringSlice(clusterIPs));
      errs.push(
        invalid(index('spec.clusterIPs', i), value, 'IPv6 is not configured on this cluster'),
      );
    }
  }
  if (errs.length > 0 || isHeadlessWithoutSelector(spec)) return errs;

  if (policy === 'RequireDualStack') {
    errs.push(
      invalid(
        'spec.ipFamilyPolicy',
        policy,
        'this cluster is not configured for dual-stack services',
      ),
    );
  }
  families.forEach((family, i) => {
    if (family !== CLUSTER_IP_FAMILY) {
      errs.push(invalid(index('spec.ipFamilies', i), family, 'not configured on this cluster'));
    }
  });
  return errs;
}

/** The family checks of ValidateServiceClusterIPsRelatedFields. */
function validateFamilyFields(spec: IPFamilySpec): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((family, i) => {
    const path = index('spec.ipFamilies', i);
    if (!IP_FAMILIES.includes(family)) errs.push(notSupported(path, family, IP_FAMILIES));
    if (seen.has(family)) errs.push(duplicate(path, family));
    seen.add(family);
  });
  const policy = spec.ipFamilyPolicy;
  if (policy !== undefined && !IP_FAMILY_POLICIES.includes(policy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', policy, IP_FAMILY_POLICIES));
  }
  const clusterIPs = spec.clusterIPs ?? [];
  // Addresses that are not valid were reported by validateClusterIPs.
  if (clusterIPs.length > 1 && clusterIPs.every(isIP)) {
    const v4 = clusterIPs.filter(isIPv4).length;
    if (v4 === 0 || v4 === clusterIPs.length) {
      const value = new GoLiteral(goStringSlice(clusterIPs));
      errs.push(
        invalid('spec.clusterIPs', value, 'may specify no more than one IP for each IP family'),
      );
    }
  }
  const headless = clusterIPs.length === 1 && clusterIPs[0] === 'None';
  if (!headless) {
    clusterIPs.forEach((ip, i) => {
      const family = spec.ipFamilies?.[i];
      if (family === undefined || !isIP(ip)) return;
      const want = family === 'IPv4' ? isIPv4(ip) : family === 'IPv6' ? !isIPv4(ip) : true;
      if (!want) {
        errs.push(
          invalid(
            index('spec.clusterIPs', i),
            ip,
            `expected an ${family} value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
    });
  }
  return errs;
}
