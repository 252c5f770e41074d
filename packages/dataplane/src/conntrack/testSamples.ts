// Lines captured in a lab namespace (conntrack-tools 1.4.7, nft 1.0.6, Linux 6.18,
// nf_conntrack_acct=1): ClusterIP 127.96.0.10 DNATed to 127.100.0.1-2:8080 (127.96.0.13 to a UDP
// port nobody listens on), 127.96.0.11 rejected and 127.96.0.12 dropped for want of endpoints;
// clients on 127.244.1.x and 127.0.0.1.

/** `conntrack -E -e NEW,DESTROY -o timestamp,id` lines. */
export const SAMPLES = {
  tcpNew:
    '[1796460625.531371]\t    [NEW] tcp      6 120 SYN_SENT src=127.244.1.5 dst=127.96.0.10 sport=43821 dport=80 [UNREPLIED] src=127.100.0.1 dst=127.244.1.5 sport=8080 dport=43821 id=1926232689',
  tcpDestroyTimeWait:
    '[1796460657.930638]\t[DESTROY] tcp      6 TIME_WAIT src=127.244.1.5 dst=127.96.0.10 sport=43821 dport=80 packets=5 bytes=273 src=127.100.0.1 dst=127.244.1.5 sport=8080 dport=43821 packets=5 bytes=274 [ASSURED] id=1926232689',
  tcpDestroyRefused:
    '[1796460628.592327]\t[DESTROY] tcp      6 120 CLOSE src=127.0.0.1 dst=127.100.0.1 sport=38880 dport=8081 packets=1 bytes=60 [UNREPLIED] src=127.100.0.1 dst=127.0.0.1 sport=8081 dport=38880 packets=1 bytes=40 id=2126268552',
  tcpDestroyDeleted:
    '[1796460888.508407]\t[DESTROY] tcp      6 431999 ESTABLISHED src=127.244.1.7 dst=127.96.0.10 sport=40103 dport=80 packets=2 bytes=112 src=127.100.0.2 dst=127.244.1.7 sport=8080 dport=40103 packets=1 bytes=60 [ASSURED] id=4156134088 [USERSPACE] portid=2305580335 progname=conntrack',
  udpNew:
    '[1796460628.599823]\t    [NEW] udp      17 30 src=127.244.1.6 dst=127.96.0.10 sport=35750 dport=53 [UNREPLIED] src=127.100.0.1 dst=127.244.1.6 sport=5353 dport=35750 id=3920713667',
  udpDestroy:
    '[1796460668.506926]\t[DESTROY] udp      17 src=127.244.1.6 dst=127.96.0.10 sport=35750 dport=53 packets=1 bytes=32 src=127.100.0.1 dst=127.244.1.6 sport=5353 dport=35750 packets=1 bytes=32 id=3920713667',
  udpDestroyUnreplied:
    '[1796461009.979318]\t[DESTROY] udp      17 src=127.244.1.9 dst=127.96.0.13 sport=36632 dport=53 packets=1 bytes=32 [UNREPLIED] src=127.100.0.2 dst=127.244.1.9 sport=5353 dport=36632 packets=0 bytes=0 id=4014112267',
  hairpinNew:
    '[1796460881.329146]\t    [NEW] tcp      6 120 SYN_SENT src=127.100.0.1 dst=127.96.0.10 sport=35443 dport=80 [UNREPLIED] src=127.100.0.2 dst=127.100.0.1 sport=8080 dport=35443 id=330427780',
} as const;

/** `nft monitor trace` lines of the traced chains (a UDP flow's two datagrams share a trace id). */
export const TRACE_SAMPLES = {
  rejectTcp: [
    'trace id 29bf1110 ip kube-proxy reject-no-endpoints packet: oif "lo" ip saddr 127.244.1.5 ip daddr 127.96.0.11 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 42948 ip length 60 tcp sport 43023 tcp dport 80 tcp flags == syn tcp window 65495 ',
    'trace id 29bf1110 ip kube-proxy reject-no-endpoints rule meta nftrace set 1 (verdict continue)',
    'trace id 29bf1110 ip kube-proxy reject-no-endpoints rule reject (verdict drop)',
  ],
  /** A dropped SYN and its two retransmits (same 4-tuple, new trace ids). */
  dropTcp: [
    'trace id 206cf592 ip kube-proxy drop-no-endpoints packet: oif "lo" ip saddr 127.244.1.5 ip daddr 127.96.0.12 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 32171 ip length 60 tcp sport 37555 tcp dport 80 tcp flags == syn tcp window 65495 ',
    'trace id 206cf592 ip kube-proxy drop-no-endpoints rule meta nftrace set 1 (verdict continue)',
    'trace id 206cf592 ip kube-proxy drop-no-endpoints rule drop (verdict drop)',
    'trace id ee6585e6 ip kube-proxy drop-no-endpoints packet: oif "lo" ip saddr 127.244.1.5 ip daddr 127.96.0.12 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 32172 ip length 60 tcp sport 37555 tcp dport 80 tcp flags == syn tcp window 65495 ',
    'trace id ee6585e6 ip kube-proxy drop-no-endpoints rule meta nftrace set 1 (verdict continue)',
    'trace id ee6585e6 ip kube-proxy drop-no-endpoints rule drop (verdict drop)',
    'trace id 82157f6f ip kube-proxy drop-no-endpoints packet: oif "lo" ip saddr 127.244.1.5 ip daddr 127.96.0.12 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 32173 ip length 60 tcp sport 37555 tcp dport 80 tcp flags == syn tcp window 65495 ',
  ],
  rejectUdp: [
    'trace id 2494bde6 ip kube-proxy reject-no-endpoints packet: oif "lo" ip saddr 127.244.1.6 ip daddr 127.96.0.11 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 1685 ip length 32 udp sport 54235 udp dport 53 udp length 12 @th,64,32 0x70696e67 ',
    'trace id 2494bde6 ip kube-proxy reject-no-endpoints rule reject (verdict drop)',
    'trace id 2494bde6 ip kube-proxy reject-no-endpoints packet: oif "lo" ip saddr 127.244.1.6 ip daddr 127.96.0.11 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 1686 ip length 33 udp sport 54235 udp dport 53 udp length 13 @th,64,40 0x70696e6732 ',
  ],
} as const;
