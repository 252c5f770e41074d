import type { Answer, SrvAnswer, StringAnswer } from 'dns-packet';
import type { Service } from '@l4lab/protocol';
import {
  CLUSTER_DOMAIN,
  TTL,
  type ZoneView,
  endpointName,
  isHeadless,
  isIPv4,
} from './zoneView.ts';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

/** The sections of one answer, before encoding (pure data: what CoreDNS would say). */
export interface ZoneAnswer {
  rcode: Rcode;
  /** Authoritative for the cluster zone (false for REFUSED). */
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export interface ZoneOptions {
  domain?: string;
  /** CoreDNS `pods`: insecure (kubeadm's Corefile: any well-formed address) or verified. */
  pods?: 'insecure' | 'verified' | 'disabled';
  /** SOA serial (CoreDNS: a Unix time). */
  serial?: number;
}

const REVERSE_ZONE = 'in-addr.arpa';
/** How many in-zone CNAMEs are followed (ExternalName -> ExternalName -> ...). */
const MAX_CNAME_DEPTH = 8;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Answers one question from the cluster's state, like CoreDNS's kubernetes plugin. */
export function answerQuestion(
  q: { name: string; type: string },
  view: ZoneView,
  opts: ZoneOptions = {},
): ZoneAnswer {
  const domain = opts.domain ?? CLUSTER_DOMAIN;
  const name = normalizeName(q.name);
  if (name.endsWith(`.${REVERSE_ZONE}`)) return reverse(name, q.type, view, opts);
  if (name !== domain && !name.endsWith(`.${domain}`)) {
    // No `forward` plugin: l4lab never sends a query to the internet.
    return {
      rcode: 'REFUSED',
      authoritative: false,
      answers: [],
      authorities: [],
      additionals: [],
    };
  }
  return new Lookup(view, domain, opts).resolve(name, q.type, 0);
}

class Lookup {
  constructor(
    readonly view: ZoneView,
    readonly domain: string,
    readonly opts: ZoneOptions,
  ) {}

  resolve(name: string, type: string, depth: number): ZoneAnswer {
    const labels = name === this.domain ? [] : name.slice(0, -this.domain.length - 1).split('.');
    const last = labels[labels.length - 1];
    if (labels.length === 0) return this.apex(type);
    if (last === 'svc') return this.svc(name, labels.slice(0, -1), type, depth);
    if (last === 'pod' && labels.length === 3) return this.pod(name, labels, type);
    if (last === 'pod' && labels.length === 2 && this.view.namespaceExists(labels[0]!))
      return this.empty('NOERROR');
    if ((last === 'pod' || last === 'svc') && labels.length === 1) return this.empty('NOERROR');
    return this.empty('NXDOMAIN');
  }

  apex(type: string): ZoneAnswer {
    const r = this.empty('NOERROR');
    if (type === 'SOA') return { ...r, answers: r.authorities, authorities: [] };
    if (type === 'NS') return { ...r, answers: [str('NS', this.domain, `ns.dns.${this.domain}`)] };
    return r;
  }

  svc(name: string, labels: string[], type: string, depth: number): ZoneAnswer {
    // labels (without "svc"): [ns] | [svc, ns] | [endpoint, svc, ns] | [_port, _proto, svc, ns]
    const ns = labels[labels.length - 1]!;
    if (!this.view.namespaceExists(ns)) return this.empty('NXDOMAIN');
    if (labels.length === 1) return this.empty('NOERROR');
    const svc = this.view.service(ns, labels[labels.length - 2]!);
    if (!svc) return this.empty('NXDOMAIN');
    const svcName = `${svc.metadata.name}.${ns}.svc.${this.domain}`;
    if (labels.length === 2) return this.service(name, svc, type, depth);
    if (labels.length === 3) return this.endpointName(name, svc, labels[0]!, type);
    if (labels.length === 4 && labels[0]!.startsWith('_') && labels[1]!.startsWith('_'))
      return this.srv(svcName, svc, type, labels[0]!.slice(1), labels[1]!.slice(1));
    return this.empty('NXDOMAIN');
  }

  service(name: string, svc: Service, type: string, depth: number): ZoneAnswer {
    if (svc.spec.type === 'ExternalName') return this.cname(name, svc, type, depth);
    if (type === 'SRV') return this.srv(name, svc, type);
    if (isHeadless(svc)) {
      const ips = this.#endpoints(svc).map((e) => e.ip);
      if (ips.length === 0) return this.empty('NXDOMAIN');
      return this.#addresses(name, type, ips);
    }
    const ip = svc.spec.clusterIP;
    if (!ip) return this.empty('NXDOMAIN');
    return this.#addresses(name, type, [ip]);
  }

  cname(name: string, svc: Service, type: string, depth: number): ZoneAnswer {
    const target = normalizeName(svc.spec.externalName ?? '');
    const record = str('CNAME', name, target);
    const inZone = target === this.domain || target.endsWith(`.${this.domain}`);
    if (type === 'CNAME' || !inZone || depth >= MAX_CNAME_DEPTH)
      return { ...this.empty('NOERROR'), answers: [record], authorities: [] };
    const rest = this.resolve(target, type, depth + 1);
    return { ...rest, answers: [record, ...rest.answers] };
  }

  endpointName(name: string, svc: Service, label: string, type: string): ZoneAnswer {
    if (!isHeadless(svc)) return this.empty('NXDOMAIN');
    const ips = this.#endpoints(svc)
      .filter((e) => endpointName(e) === label)
      .map((e) => e.ip);
    return ips.length > 0 ? this.#addresses(name, type, ips) : this.empty('NXDOMAIN');
  }

  srv(svcName: string, svc: Service, type: string, port?: string, proto?: string): ZoneAnswer {
    if (svc.spec.type === 'ExternalName') return this.empty('NXDOMAIN');
    const match = (p: { name?: string; protocol?: string }) =>
      !!p.name &&
      (port === undefined || p.name === port) &&
      (proto === undefined || (p.protocol ?? 'TCP').toLowerCase() === proto);
    const name = port === undefined ? svcName : `_${port}._${proto}.${svcName}`;
    const records: { target: string; port: number; ip: string }[] = [];
    if (isHeadless(svc)) {
      for (const e of this.#endpoints(svc))
        for (const p of e.ports.filter(match))
          records.push({ target: `${endpointName(e)}.${svcName}`, port: p.port, ip: e.ip });
    } else {
      for (const p of (svc.spec.ports ?? []).filter(match))
        records.push({ target: svcName, port: p.port, ip: svc.spec.clusterIP ?? '' });
    }
    if (records.length === 0) return this.empty('NXDOMAIN');
    if (type !== 'SRV') return this.empty('NOERROR');
    const weight = Math.max(1, Math.floor(100 / records.length));
    const answers: SrvAnswer[] = records.map((r) => ({
      type: 'SRV',
      name,
      ttl: TTL,
      class: 'IN',
      data: { priority: 0, weight, port: r.port, target: r.target },
    }));
    const seen = new Set<string>();
    const additionals = records
      .filter((r) => !seen.has(r.target) && seen.add(r.target))
      .map((r) => str('A', r.target, r.ip));
    return { ...this.empty('NOERROR'), answers, authorities: [], additionals };
  }

  pod(name: string, labels: string[], type: string): ZoneAnswer {
    const [dashed, ns] = labels as [string, string];
    const ip = dashed.replaceAll('-', '.');
    const mode = this.opts.pods ?? 'insecure';
    if (mode === 'disabled' || !isIPv4(ip)) return this.empty('NXDOMAIN');
    if (mode === 'verified' && !this.view.podExists(ns, ip)) return this.empty('NXDOMAIN');
    return this.#addresses(name, type, [ip]);
  }

  /** NXDOMAIN, or NOERROR without answers (NODATA), with the zone's SOA as CoreDNS adds it. */
  empty(rcode: Rcode): ZoneAnswer {
    return {
      rcode,
      authoritative: true,
      answers: [],
      authorities: [soa(this.domain, this.opts.serial ?? 1)],
      additionals: [],
    };
  }

  #endpoints(svc: Service) {
    const all = this.view.endpoints(svc.metadata.namespace ?? 'default', svc.metadata.name);
    return svc.spec.publishNotReadyAddresses ? all : all.filter((e) => e.ready);
  }

  #addresses(name: string, type: string, ips: string[]): ZoneAnswer {
    if (type !== 'A' && type !== 'ANY') return this.empty('NOERROR');
    return {
      ...this.empty('NOERROR'),
      answers: ips.map((ip) => str('A', name, ip)),
      authorities: [],
    };
  }
}

function reverse(name: string, type: string, view: ZoneView, opts: ZoneOptions): ZoneAnswer {
  const domain = opts.domain ?? CLUSTER_DOMAIN;
  const octets = name.slice(0, -REVERSE_ZONE.length - 1).split('.');
  const ip = octets.reverse().join('.');
  const nx = (rcode: Rcode): ZoneAnswer => ({
    rcode,
    authoritative: true,
    answers: [],
    authorities: [soa(REVERSE_ZONE, opts.serial ?? 1)],
    additionals: [],
  });
  if (octets.length !== 4 || !isIPv4(ip)) return nx('NXDOMAIN');
  const svc = view.serviceByClusterIP(ip);
  const fqdn = (s: Service) => `${s.metadata.name}.${s.metadata.namespace}.svc.${domain}`;
  let target: string | undefined;
  if (svc) target = fqdn(svc);
  else {
    const ep = view.endpointByIP(ip);
    if (ep) target = `${endpointName(ep.endpoint)}.${fqdn(ep.service)}`;
  }
  if (!target) return nx('NXDOMAIN');
  if (type !== 'PTR') return nx('NOERROR');
  return { ...nx('NOERROR'), answers: [str('PTR', name, target)], authorities: [] };
}

function str(type: StringAnswer['type'], name: string, data: string): StringAnswer {
  return { type, name, ttl: TTL, class: 'IN', data };
}

/** CoreDNS's SOA for its zones: `ns.dns.<zone> hostmaster.<zone>`, refresh 7200 ... minimum = TTL. */
export function soa(zone: string, serial: number): Answer {
  return {
    type: 'SOA',
    name: zone,
    ttl: TTL,
    class: 'IN',
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: TTL,
    },
  };
}
