// l4lab's native conntrack event reader: what `conntrack -E -e NEW,DESTROY -o timestamp,id` does
// for ConntrackEventSource (src/conntrack/conntrackEvents.ts), without its losses and its cost.
// conntrack-tools 1.4.7 sets `-b` on a socket that does not carry the events, so the event socket
// keeps its 208 KiB default and the kernel drops events (ENOBUFS) at 2,000 connections/s; this one
// asks for a large buffer on the socket that matters (SO_RCVBUFFORCE, root in the host's user
// namespace; else SO_RCVBUF, capped by net.core.rmem_max, and it says so on stderr).
//
// It reads ctnetlink's NEW and DESTROY multicast groups in its own network namespace and writes
// one line per IPv4 TCP/UDP event to stdout (buffered, flushed whenever the socket is empty):
//
//   N|D <sec.usec> <id> <tcp|udp> <osrc> <odst> <osport> <odport> <rsrc> <rdst> <rsport> <rdport>
//       <status> <tcpstate|-> <timeout|-> <opkts|-> <obytes|-> <rpkts|-> <rbytes|-> <portid>
//
// (one line; `-` = the kernel did not send it; status is ct->status as a number; portid is the
// netlink port of the program that deleted the entry, 0 for the kernel), `LOST` when the kernel
// dropped events (ENOBUFS: NETLINK_NO_ENOBUFS stays off, the losses are wanted), `READY` once
// subscribed, and `STATS <lookups> <gone>` (see below: look-ups sent, and those answered "no such
// entry", mostly the ones that reaped it) at most once a second while they change.
//
// A closed connection's entry lingers (TIME_WAIT, CLOSE: 1 s in a lab) and then expires, but the
// kernel's garbage collector reaps an expired entry, and sends its DESTROY, up to seconds later.
// The kernel also reaps an expired entry when a lookup meets it; so, with `--check-first-ms FIRST`
// (0 = off) and `--check-max-ms MAX`, the reader looks each entry it saw open up by its tuple
// (a ctnetlink GET, batched) FIRST ms after its NEW, then as its answer says: in TIME_WAIT or
// CLOSE, when its timeout is due (every CHECK_CLOSING_MS in its last second); otherwise up to
// every MAX ms. An entry that expired is reaped by the look-up and its DESTROY comes on the event
// socket; one GET per short connection, where a sweep walked the whole table.
// The sweep remains for what the reader does not know: with `--sweep-ms MIN` and
// `--sweep-max-ms MAX` (0 = off), every MIN to MAX ms (see SWEEP_BURST_MAX) it dumps the table
// filtered by a mark nothing sets (as `conntrack -L --mark` does): the dump lists nothing but
// makes the kernel reap every entry that expired. With checks on, it runs only for
// SWEEP_AFTER_LOSS_MS after a loss (the entries whose NEW was lost are not known) and while
// more than MAX_TRACKED entries are open; without, whenever connections are open.
//
// Built on first use by nativeReader.ts (cc -O2 -Wall -Wextra -Werror), cached by the source's
// hash. Linux only.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RECV_SIZE (64 * 1024)
/** A ct mark nothing sets (conntrackEvents.ts's SWEEP_MARK). */
#define SWEEP_MARK 0x4c34ab1eu
/** After a loss the count of open entries is wrong: sweeps go on this long whatever it says. */
#define SWEEP_AFTER_LOSS_MS 10000
/**
 * A sweep reaps at once every entry that expired since the last one; more than SWEEP_BURST_MAX
 * events between two sweeps halve the interval (down to --sweep-ms), fewer than a quarter of it
 * double it (up to --sweep-max-ms), as conntrackEvents.ts paces `conntrack -L` sweeps. Each is a
 * walk of the whole conntrack hash table (~10 ms of kernel time with 262,144 buckets), so a busy
 * table gets precise DESTROY times and a quiet one costs little.
 */
#define SWEEP_BURST_MAX 100
/** At most this many datagrams between two looks at the clock (the sweep's timer). */
#define BATCH 1024
/**
 * After a wake-up, events are let in for this long before they are read: at thousands per
 * second, one read and one write then carry tens of events instead of one, for the reader and
 * for the Node side reading its lines, whose wake-ups cost more than the lines (measured: 5 ms
 * instead of 1 ms took the events' CPU from 12-13 to 8.5-9 us a connection at the bench's top
 * rate); an event is 5 ms late at most, against the frames' 50 ms.
 */
#define COALESCE_NS 5000000L
/**
 * Look-ups are due on a grid of this many ms, so the entries due within one step go in one
 * datagram and one wake-up (one per entry and per ms, else); a DESTROY comes this much later at
 * most, within CHECK_CLOSING_MS's precision.
 */
#define CHECK_GRAIN_MS 10
/** Look-ups of open entries: at most this many in one datagram, answered before the next. */
#define CHECK_BATCH 256
/** An entry in TIME_WAIT or CLOSE with less than a second left: looked up this often. */
#define CHECK_CLOSING_MS 100
/** A look-up not answered (its answer dropped): asked again after this long. */
#define CHECK_RETRY_MS 500
/** Open entries the reader keeps for look-ups; beyond, the sweep runs instead. */
#define MAX_TRACKED (1L << 20)

/* IPS_SEEN_REPLY_BIT 1 and IPS_ASSURED_BIT 2 (linux/netfilter/nf_conntrack_common.h) go out
 * as the whole status word; the reader tests the bits. */

struct tuple {
  uint32_t src, dst; /* network order */
  uint16_t sport, dport;
  uint8_t proto;
  int has_ip, has_ports, has_proto;
};

struct counters {
  uint64_t packets, bytes;
  int has;
};

struct event {
  struct tuple orig, reply;
  struct counters corig, creply;
  uint32_t id, status, timeout;
  int has_id, has_status, has_timeout;
  int tcp_state; /* -1: none */
};

static const char *const TCP_STATES[] = {
    "NONE",       "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
    "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",      "SYN_SENT2",
};

static long open_entries; /* NEWs less DESTROYs seen (never below 0) */
static long check_first_ms, check_max_ms; /* --check-first-ms, --check-max-ms; 0: no look-ups */
static unsigned long long lookups, lookups_gone; /* look-ups sent; answered "no such entry" */
static long events_since_sweep;
static long long last_loss_ms = -SWEEP_AFTER_LOSS_MS;

static long long monotonic_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- The open entries the reader looks up: a map by conntrack id and a min-heap of due times. */

struct tracked {
  uint32_t id; /* 0: free slot (conntrack ids are never 0 in practice; one that is goes untracked) */
  uint32_t src, dst; /* network order */
  uint16_t sport, dport;
  uint8_t proto;
  long long due_ms; /* next look-up */
  long backoff_ms;
};

static struct tracked *table;
static size_t table_cap; /* a power of two */
static size_t table_len;
static bool untracked; /* MAX_TRACKED reached: the sweep covers the rest */

struct due {
  long long at;
  uint32_t id;
};
static struct due *heap;
static size_t heap_len, heap_cap;

static size_t slot_of(uint32_t id) { return (id * 2654435761u) & (table_cap - 1); }

static struct tracked *find_tracked(uint32_t id) {
  if (!table_cap || id == 0) return NULL;
  for (size_t i = slot_of(id);; i = (i + 1) & (table_cap - 1)) {
    if (table[i].id == id) return &table[i];
    if (table[i].id == 0) return NULL;
  }
}

static void grow_table(void);

static struct tracked *insert_tracked(uint32_t id) {
  if (id == 0) return NULL;
  if ((long)table_len >= MAX_TRACKED) {
    untracked = true;
    return NULL;
  }
  if ((table_len + 1) * 2 > table_cap) grow_table();
  size_t i = slot_of(id);
  while (table[i].id != 0 && table[i].id != id) i = (i + 1) & (table_cap - 1);
  if (table[i].id == 0) table_len++;
  memset(&table[i], 0, sizeof table[i]);
  table[i].id = id;
  return &table[i];
}

static void grow_table(void) {
  struct tracked *old = table;
  size_t old_cap = table_cap;
  table_cap = old_cap ? old_cap * 2 : 1024;
  table = calloc(table_cap, sizeof *table);
  if (!table) {
    perror("ctevents: calloc");
    exit(1);
  }
  table_len = 0;
  for (size_t i = 0; i < old_cap; i++) {
    if (old[i].id == 0) continue;
    size_t j = slot_of(old[i].id);
    while (table[j].id != 0) j = (j + 1) & (table_cap - 1);
    table[j] = old[i];
    table_len++;
  }
  free(old);
}

/* Removes an entry, shifting back the ones after it (linear probing without tombstones). */
static void remove_tracked(uint32_t id) {
  struct tracked *t = find_tracked(id);
  if (!t) return;
  size_t i = (size_t)(t - table);
  table[i].id = 0;
  table_len--;
  for (size_t j = (i + 1) & (table_cap - 1); table[j].id != 0; j = (j + 1) & (table_cap - 1)) {
    size_t home = slot_of(table[j].id);
    /* Does j's entry belong at or before the hole at i (cyclically)? Then it moves there. */
    if (((j - home) & (table_cap - 1)) >= ((j - i) & (table_cap - 1))) {
      table[i] = table[j];
      table[j].id = 0;
      i = j;
    }
  }
}

static void heap_push(long long at, uint32_t id) {
  if (heap_len == heap_cap) {
    heap_cap = heap_cap ? heap_cap * 2 : 1024;
    heap = realloc(heap, heap_cap * sizeof *heap);
    if (!heap) {
      perror("ctevents: realloc");
      exit(1);
    }
  }
  size_t i = heap_len++;
  while (i > 0 && heap[(i - 1) / 2].at > at) {
    heap[i] = heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  heap[i] = (struct due){at, id};
}

static struct due heap_pop(void) {
  struct due top = heap[0], last = heap[--heap_len];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= heap_len) break;
    if (c + 1 < heap_len && heap[c + 1].at < heap[c].at) c++;
    if (heap[c].at >= last.at) break;
    heap[i] = heap[c];
    i = c;
  }
  if (heap_len > 0) heap[i] = last;
  return top;
}

static void schedule(struct tracked *t, long long at) {
  at = (at + CHECK_GRAIN_MS - 1) / CHECK_GRAIN_MS * CHECK_GRAIN_MS;
  t->due_ms = at;
  heap_push(at, t->id);
}

/* When the next look-up is due (ms, monotonic), or -1: none. Stale heap items go first. */
static long long next_due(void) {
  while (heap_len > 0) {
    struct tracked *t = find_tracked(heap[0].id);
    if (t && t->due_ms == heap[0].at) return heap[0].at;
    heap_pop();
  }
  return -1;
}

/* Attributes: netlink's TLVs, 4-byte aligned, the type's top bits are flags. */
#define ATTR_OK(a, len)                                                    \
  ((len) >= (int)sizeof(struct nlattr) && (a)->nla_len >= sizeof(struct nlattr) && \
   (a)->nla_len <= (len))
#define ATTR_NEXT(a, len) \
  ((len) -= NLA_ALIGN((a)->nla_len), (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))
#define ATTR_TYPE(a) ((a)->nla_type & NLA_TYPE_MASK)
#define ATTR_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))
#define ATTR_LEN(a) ((int)(a)->nla_len - NLA_HDRLEN)

static uint32_t be32_at(const struct nlattr *a) {
  uint32_t v;
  memcpy(&v, ATTR_DATA(a), sizeof v);
  return ntohl(v);
}

static uint64_t be64_at(const struct nlattr *a) {
  uint64_t v;
  memcpy(&v, ATTR_DATA(a), sizeof v);
  return be64toh(v);
}

static uint16_t be16_at(const struct nlattr *a) {
  uint16_t v;
  memcpy(&v, ATTR_DATA(a), sizeof v);
  return ntohs(v);
}

/* Loops `a` over the attributes nested in `nest` (`rest`: the bytes left), stopping at one that
 * does not fit in its parent. */
#define EACH_NESTED(nest, a, rest)                                                     \
  for (struct nlattr *a = ATTR_DATA(nest); a; a = NULL)                                \
    for (int rest = ATTR_LEN(nest); ATTR_OK(a, rest); a = ATTR_NEXT(a, rest))

/* Whether an attribute's payload holds `size` bytes: a short one is skipped, never read past. */
static int fits(const struct nlattr *a, int size) { return ATTR_LEN(a) >= size; }

static void parse_tuple(struct nlattr *nest, struct tuple *t) {
  EACH_NESTED(nest, a, rest) {
    if (ATTR_TYPE(a) == CTA_TUPLE_IP) {
      EACH_NESTED(a, ip, rest2) {
        if (ATTR_TYPE(ip) == CTA_IP_V4_SRC && fits(ip, 4)) memcpy(&t->src, ATTR_DATA(ip), 4);
        else if (ATTR_TYPE(ip) == CTA_IP_V4_DST && fits(ip, 4)) {
          memcpy(&t->dst, ATTR_DATA(ip), 4);
          t->has_ip = 1;
        }
      }
    } else if (ATTR_TYPE(a) == CTA_TUPLE_PROTO) {
      EACH_NESTED(a, p, rest2) {
        if (ATTR_TYPE(p) == CTA_PROTO_NUM && fits(p, 1)) {
          t->proto = *(uint8_t *)ATTR_DATA(p);
          t->has_proto = 1;
        } else if (ATTR_TYPE(p) == CTA_PROTO_SRC_PORT && fits(p, 2)) t->sport = be16_at(p);
        else if (ATTR_TYPE(p) == CTA_PROTO_DST_PORT && fits(p, 2)) {
          t->dport = be16_at(p);
          t->has_ports = 1;
        }
      }
    }
  }
}

static void parse_counters(struct nlattr *nest, struct counters *c) {
  EACH_NESTED(nest, a, rest) {
    if (ATTR_TYPE(a) == CTA_COUNTERS_PACKETS && fits(a, 8)) c->packets = be64_at(a), c->has = 1;
    else if (ATTR_TYPE(a) == CTA_COUNTERS_BYTES && fits(a, 8)) c->bytes = be64_at(a);
  }
}

static void parse_protoinfo(struct nlattr *nest, struct event *e) {
  EACH_NESTED(nest, a, rest) {
    if (ATTR_TYPE(a) != CTA_PROTOINFO_TCP) continue;
    EACH_NESTED(a, t, rest2) {
      if (ATTR_TYPE(t) == CTA_PROTOINFO_TCP_STATE && fits(t, 1))
        e->tcp_state = *(uint8_t *)ATTR_DATA(t);
    }
  }
}

static void parse_event(struct nlattr *first, int len, struct event *e) {
  for (struct nlattr *a = first; ATTR_OK(a, len); a = ATTR_NEXT(a, len)) {
    switch (ATTR_TYPE(a)) {
      case CTA_TUPLE_ORIG: parse_tuple(a, &e->orig); break;
      case CTA_TUPLE_REPLY: parse_tuple(a, &e->reply); break;
      case CTA_COUNTERS_ORIG: parse_counters(a, &e->corig); break;
      case CTA_COUNTERS_REPLY: parse_counters(a, &e->creply); break;
      case CTA_PROTOINFO: parse_protoinfo(a, e); break;
      case CTA_ID:
        if (fits(a, 4)) e->id = be32_at(a), e->has_id = 1;
        break;
      case CTA_STATUS:
        if (fits(a, 4)) e->status = be32_at(a), e->has_status = 1;
        break;
      case CTA_TIMEOUT:
        if (fits(a, 4)) e->timeout = be32_at(a), e->has_timeout = 1;
        break;
      default: break;
    }
  }
}

static void print_addr(uint32_t addr) {
  const unsigned char *b = (const unsigned char *)&addr;
  printf(" %u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static void print_counters(const struct counters *c) {
  if (c->has) printf(" %llu %llu", (unsigned long long)c->packets, (unsigned long long)c->bytes);
  else fputs(" - -", stdout);
}

static void print_event(char kind, const struct timespec *at, const struct event *e,
                        uint32_t portid) {
  printf("%c %lld.%06ld %u %s", kind, (long long)at->tv_sec, at->tv_nsec / 1000, e->id,
         e->orig.proto == IPPROTO_TCP ? "tcp" : "udp");
  print_addr(e->orig.src);
  print_addr(e->orig.dst);
  printf(" %u %u", e->orig.sport, e->orig.dport);
  print_addr(e->reply.src);
  print_addr(e->reply.dst);
  printf(" %u %u %u", e->reply.sport, e->reply.dport, e->status);
  if (e->tcp_state >= 0 && e->tcp_state < (int)(sizeof TCP_STATES / sizeof *TCP_STATES))
    printf(" %s", TCP_STATES[e->tcp_state]);
  else fputs(" -", stdout);
  if (e->has_timeout) printf(" %u", e->timeout);
  else fputs(" -", stdout);
  print_counters(&e->corig);
  print_counters(&e->creply);
  printf(" %u\n", portid);
}

/* A NEW: its entry is looked up `check_first_ms` from now; a DESTROY: no longer. */
static void track(int is_new, const struct event *e) {
  if (!is_new) {
    remove_tracked(e->id);
    if (table_len == 0) untracked = false;
    return;
  }
  struct tracked *t = insert_tracked(e->id);
  if (!t) return;
  t->src = e->orig.src;
  t->dst = e->orig.dst;
  t->sport = e->orig.sport;
  t->dport = e->orig.dport;
  t->proto = e->orig.proto;
  t->backoff_ms = check_first_ms;
  schedule(t, monotonic_ms() + check_first_ms);
}

/* One ctnetlink message: printed when it is an IPv4 TCP/UDP NEW or DESTROY with both tuples. */
static void handle_message(struct nlmsghdr *h, const struct timespec *at) {
  if (NFNL_SUBSYS_ID(h->nlmsg_type) != NFNL_SUBSYS_CTNETLINK) return;
  int type = NFNL_MSG_TYPE(h->nlmsg_type);
  if (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE) return;
  unsigned header = NLMSG_ALIGN(sizeof(struct nfgenmsg));
  if (h->nlmsg_len < NLMSG_LENGTH(header)) return;
  struct nfgenmsg *g = NLMSG_DATA(h);
  if (g->nfgen_family != AF_INET) return;
  struct event e;
  memset(&e, 0, sizeof e);
  e.tcp_state = -1;
  struct nlattr *first = (struct nlattr *)((char *)g + header);
  parse_event(first, (int)(h->nlmsg_len - NLMSG_LENGTH(header)), &e);
  if (!e.orig.has_ip || !e.reply.has_ip || !e.orig.has_ports || !e.reply.has_ports || !e.has_id)
    return;
  if (e.orig.proto != IPPROTO_TCP && e.orig.proto != IPPROTO_UDP) return;
  events_since_sweep++;
  if (type == IPCTNL_MSG_CT_NEW) open_entries++;
  else if (open_entries > 0) open_entries--;
  if (check_first_ms > 0) track(type == IPCTNL_MSG_CT_NEW, &e);
  print_event(type == IPCTNL_MSG_CT_NEW ? 'N' : 'D', at, &e, h->nlmsg_pid);
}

static void handle_datagram(char *buf, int len, const struct timespec *at) {
  for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
    handle_message(h, at);
}

/* Reads what the event socket holds (BATCH datagrams at most); 1 when it is empty now. */
static int drain_events(int fd, char *buf) {
  for (int i = 0; i < BATCH; i++) {
    struct sockaddr_nl from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(fd, buf, RECV_SIZE, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 1;
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        last_loss_ms = monotonic_ms();
        puts("LOST");
        continue;
      }
      perror("ctevents: recv");
      exit(1);
    }
    if (from.nl_pid != 0) continue; /* only the kernel's word counts, not another program's */
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at); /* as conntrack-tools stamps: when read */
    handle_datagram(buf, (int)n, &at);
  }
  return 0;
}

static int netfilter_socket(void) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd < 0) {
    perror("ctevents: socket(NETLINK_NETFILTER)");
    exit(1);
  }
  return fd;
}

/* The event socket: ctnetlink's NEW and DESTROY groups, with as large a buffer as allowed. */
static int event_socket(int rcvbuf) {
  int fd = netfilter_socket();
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0) {
    int why = errno;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    fprintf(stderr,
            "ctevents: SO_RCVBUFFORCE refused (%s): SO_RCVBUF, capped by net.core.rmem_max\n",
            strerror(why));
  }
  int got = 0;
  socklen_t gotlen = sizeof got;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &gotlen);
  fprintf(stderr, "ctevents: event socket receive buffer %d bytes\n", got);
  struct sockaddr_nl addr = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    perror("ctevents: bind");
    exit(1);
  }
  int groups[] = {NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_DESTROY};
  for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof groups[i]) < 0) {
      perror("ctevents: NETLINK_ADD_MEMBERSHIP");
      exit(1);
    }
  }
  return fd;
}

static void put_attr_be32(struct nlmsghdr *h, uint16_t type, uint32_t value) {
  struct nlattr *a = (struct nlattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
  a->nla_type = type;
  a->nla_len = NLA_HDRLEN + sizeof value;
  uint32_t be = htonl(value);
  memcpy(ATTR_DATA(a), &be, sizeof be);
  h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static struct nlattr *put_attr(struct nlmsghdr *h, uint16_t type, const void *data, int len) {
  struct nlattr *a = (struct nlattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
  a->nla_type = type;
  a->nla_len = (uint16_t)(NLA_HDRLEN + len);
  if (len > 0) memcpy(ATTR_DATA(a), data, (size_t)len);
  h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
  return a;
}

static void end_nest(struct nlmsghdr *h, struct nlattr *nest) {
  nest->nla_len = (uint16_t)((char *)h + h->nlmsg_len - (char *)nest);
}

/* Writes at `out` a GET of one entry by its original tuple and id; returns its length. */
static size_t put_lookup(char *out, const struct tracked *t) {
  struct nlmsghdr *h = (struct nlmsghdr *)out;
  memset(h, 0, NLMSG_LENGTH(sizeof(struct nfgenmsg)));
  h->nlmsg_len = NLMSG_LENGTH(sizeof(struct nfgenmsg));
  h->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
  h->nlmsg_flags = NLM_F_REQUEST;
  h->nlmsg_seq = t->id; /* the answer (the entry, or ENOENT) carries it back */
  struct nfgenmsg *g = NLMSG_DATA(h);
  g->nfgen_family = AF_INET;
  g->version = NFNETLINK_V0;
  struct nlattr *orig = put_attr(h, CTA_TUPLE_ORIG | NLA_F_NESTED, NULL, 0);
  struct nlattr *ip = put_attr(h, CTA_TUPLE_IP | NLA_F_NESTED, NULL, 0);
  put_attr(h, CTA_IP_V4_SRC, &t->src, 4);
  put_attr(h, CTA_IP_V4_DST, &t->dst, 4);
  end_nest(h, ip);
  struct nlattr *proto = put_attr(h, CTA_TUPLE_PROTO | NLA_F_NESTED, NULL, 0);
  put_attr(h, CTA_PROTO_NUM, &t->proto, 1);
  uint16_t sport = htons(t->sport), dport = htons(t->dport);
  put_attr(h, CTA_PROTO_SRC_PORT, &sport, 2);
  put_attr(h, CTA_PROTO_DST_PORT, &dport, 2);
  end_nest(h, proto);
  end_nest(h, orig);
  put_attr_be32(h, CTA_ID, t->id);
  return NLMSG_ALIGN(h->nlmsg_len);
}

/* An answer to a look-up: gone (ENOENT: it was reaped, or destroyed, and its DESTROY is on the
 * event socket) or alive, looked up again when it may have ended. 0 when look-ups must stop. */
static int check_answer(struct nlmsghdr *h, long long now) {
  if (h->nlmsg_type == NLMSG_ERROR) {
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) return 1;
    const struct nlmsgerr *err = NLMSG_DATA(h);
    if (err->error == 0) return 1;
    if (err->error == -ENOENT) {
      lookups_gone++;
      remove_tracked(h->nlmsg_seq);
      return 1;
    }
    fprintf(stderr, "ctevents: look-up refused (%s): sweeping instead\n", strerror(-err->error));
    return 0;
  }
  if (NFNL_SUBSYS_ID(h->nlmsg_type) != NFNL_SUBSYS_CTNETLINK) return 1;
  struct tracked *t = find_tracked(h->nlmsg_seq);
  unsigned header = NLMSG_ALIGN(sizeof(struct nfgenmsg));
  if (!t || h->nlmsg_len < NLMSG_LENGTH(header)) return 1;
  struct event e;
  memset(&e, 0, sizeof e);
  e.tcp_state = -1;
  parse_event((struct nlattr *)((char *)NLMSG_DATA(h) + header),
              (int)(h->nlmsg_len - NLMSG_LENGTH(header)), &e);
  long after;
  long timeout_ms = e.has_timeout ? (long)e.timeout * 1000 : 0; /* the kernel rounds it down */
  if (t->proto != IPPROTO_TCP) {
    after = timeout_ms; /* a UDP entry ends only when its timeout runs out (or it is deleted) */
  } else if (e.tcp_state == 7 /* TIME_WAIT */ || e.tcp_state == 8 /* CLOSE */) {
    after = timeout_ms;
  } else {
    t->backoff_ms = t->backoff_ms * 2 > check_max_ms ? check_max_ms : t->backoff_ms * 2;
    after = t->backoff_ms;
  }
  schedule(t, now + (after < CHECK_CLOSING_MS ? CHECK_CLOSING_MS : after));
  return 1;
}

/* Looks up every entry due (CHECK_BATCH a datagram) and reads the answers; 0 when look-ups must
 * stop (the kernel refused one). */
static int check_due(int fd, char *req, char *buf) {
  long long now = monotonic_ms();
  for (;;) {
    size_t len = 0;
    int count = 0;
    while (count < CHECK_BATCH) {
      long long due = next_due();
      if (due < 0 || due > now) break;
      struct tracked *t = find_tracked(heap_pop().id);
      len += put_lookup(req + len, t);
      schedule(t, now + CHECK_RETRY_MS); /* unless its answer says otherwise */
      count++;
    }
    if (count == 0) return 1;
    lookups += (unsigned long long)count;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return 1;
    /* The kernel answered while it took the datagram: the answers are all queued now. */
    for (;;) {
      ssize_t n = recv(fd, buf, RECV_SIZE, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR || errno == ENOBUFS) continue; /* dropped answers: asked again */
        break;
      }
      int left = (int)n;
      for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
        if (!check_answer(h, now)) return 0;
    }
    if (count < CHECK_BATCH) return 1;
  }
}

/* Asks for a dump of the entries with SWEEP_MARK: none, but the walk reaps the expired ones. */
static int send_sweep(int fd, uint32_t seq) {
  union {
    struct nlmsghdr h;
    char buf[128];
  } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct nfgenmsg));
  req.h.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = seq;
  struct nfgenmsg *g = NLMSG_DATA(&req.h);
  g->nfgen_family = AF_INET;
  g->version = NFNETLINK_V0;
  put_attr_be32(&req.h, CTA_MARK, SWEEP_MARK);
  put_attr_be32(&req.h, CTA_MARK_MASK, 0xffffffffu);
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  ssize_t n = sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel);
  return n == (ssize_t)req.h.nlmsg_len;
}

/* Reads the dump's answer; 1 once it ended (NLMSG_DONE or an error), 0 while more may come. */
static int drain_sweep(int fd, char *buf) {
  for (;;) {
    ssize_t n = recv(fd, buf, RECV_SIZE, MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : 1;
    int len = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) return 1;
  }
}

/* The next sweep interval, from the events since the last sweep (see SWEEP_BURST_MAX). */
static long next_interval(long every, long min_ms, long max_ms) {
  long burst = events_since_sweep;
  events_since_sweep = 0;
  if (burst > SWEEP_BURST_MAX) every = every / 2 < min_ms ? min_ms : every / 2;
  else if (burst < SWEEP_BURST_MAX / 4) every = every * 2 > max_ms ? max_ms : every * 2;
  return every;
}

static void usage(void) {
  fputs("usage: ctevents [--check-first-ms FIRST] [--check-max-ms MAX] [--sweep-ms MIN]\n"
        "                [--sweep-max-ms MAX] [--rcvbuf BYTES]\n",
        stderr);
  exit(2);
}

/* Whether the sweep must run now: see the header comment. */
static int sweep_wanted(long long now) {
  if (now - last_loss_ms < SWEEP_AFTER_LOSS_MS) return 1;
  return check_first_ms > 0 ? untracked : open_entries > 0;
}

int main(int argc, char **argv) {
  long sweep_ms = 0, sweep_max_ms = 0;
  long rcvbuf = 32L * 1024 * 1024;
  for (int i = 1; i < argc; i++) {
    if (i + 1 < argc && strcmp(argv[i], "--sweep-ms") == 0) sweep_ms = atol(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--sweep-max-ms") == 0) sweep_max_ms = atol(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--check-first-ms") == 0)
      check_first_ms = atol(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--check-max-ms") == 0) check_max_ms = atol(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--rcvbuf") == 0) rcvbuf = atol(argv[++i]);
    else usage();
  }
  if (sweep_max_ms < sweep_ms) sweep_max_ms = sweep_ms;
  if (check_max_ms < check_first_ms) check_max_ms = check_first_ms;
  if (sweep_ms < 0 || check_first_ms < 0 || rcvbuf <= 0 || rcvbuf > 1L << 30) usage();
  /* Gone with the server that started it, whatever way it ends. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  static char stdout_buf[256 * 1024];
  setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
  static char buf[RECV_SIZE];
  static char req[CHECK_BATCH * 128];
  int events = event_socket((int)rcvbuf);
  int dump = sweep_ms > 0 ? netfilter_socket() : -1;
  int check = -1;
  if (check_first_ms > 0) {
    check = netfilter_socket();
    int one = 1; /* ENOENT answers without the request copied back */
    setsockopt(check, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  }
  uint32_t seq = 0;
  int sweeping = 0;
  long sweep_every = sweep_max_ms;
  long long next_sweep = monotonic_ms() + sweep_every;
  const struct timespec coalesce = {.tv_sec = 0, .tv_nsec = COALESCE_NS};
  puts("READY");
  fflush(stdout);
  unsigned long long lookups_said = 0;
  long long stats_at = 0;
  for (;;) {
    if (check >= 0 && !check_due(check, req, buf)) check_first_ms = 0; /* sweeps from now on */
    long long now = monotonic_ms();
    if (lookups != lookups_said && now - stats_at >= 1000) {
      printf("STATS %llu %llu\n", lookups, lookups_gone);
      if (fflush(stdout) != 0) return 1;
      lookups_said = lookups;
      stats_at = now;
    }
    if (dump >= 0 && !sweeping && now >= next_sweep) {
      sweep_every = next_interval(sweep_every, sweep_ms, sweep_max_ms);
      if (sweep_wanted(now)) sweeping = send_sweep(dump, ++seq);
      next_sweep = now + sweep_every;
    }
    long long wake = dump >= 0 && !sweeping ? next_sweep : -1;
    long long due = check_first_ms > 0 ? next_due() : -1;
    if (due >= 0 && (wake < 0 || due < wake)) wake = due;
    int timeout = wake < 0 ? -1 : (int)(wake > now ? wake - now : 0);
    struct pollfd fds[2] = {{.fd = events, .events = POLLIN}, {.fd = dump, .events = POLLIN}};
    if (poll(fds, dump >= 0 ? 2 : 1, timeout) < 0 && errno != EINTR) {
      perror("ctevents: poll");
      return 1;
    }
    if (fds[0].revents & (POLLIN | POLLERR)) {
      nanosleep(&coalesce, NULL);
      if (drain_events(events, buf) && fflush(stdout) != 0) return 1;
    }
    if (dump >= 0 && fds[1].revents & (POLLIN | POLLERR) && drain_sweep(dump, buf)) sweeping = 0;
  }
}
