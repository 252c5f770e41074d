// @l4lab/dns: CoreDNS's job. Cluster DNS over UDP and TCP answering from cluster state, the
// CoreDNS pods (a runtime decorator), the kube-dns add-on objects, and a stub resolver's transport.
export * from './zoneView.ts';
export { ClusterDnsIndex } from './clusterIndex.ts';
export {
  answerQuestion,
  normalizeName,
  soa,
  type ZoneAnswer,
  type ZoneOptions,
} from './records.ts';
export { respond, rcodeOf, type QueryLog } from './message.ts';
export {
  DnsServer,
  type DnsServerOptions,
  type DnsQueryEvent,
  type HostPort,
} from './dnsServer.ts';
export { DnsClient, type DnsClientOptions, type DnsReply, type DnsRecord } from './dnsClient.ts';
export {
  CoreDnsRuntime,
  withCoreDNS,
  isCoreDNSImage,
  DNS_PORT,
  METRICS_PORT,
  type CoreDnsRuntimeOptions,
} from './coreDnsRuntime.ts';
export { kubeDnsObjects, COREDNS_IMAGE, KUBE_DNS_LABELS } from './kubeDns.ts';
