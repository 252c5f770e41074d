// l4lab's native relay: the job of relayProcess.ts (see relay.ts; the messages are in
// relayProtocol.ts), in C, for connections that live long. kube-proxy (the Node server) keeps
// accepting, choosing and connecting; it hands a connection's two sockets here, over the IPC
// channel Node's child_process opened on fd 3 (newline-delimited JSON, sockets as SCM_RIGHTS, each
// acknowledged with NODE_HANDLE_ACK), and this loop moves their bytes like TcpPipe does:
// back-pressure, half-close, a backend failure resets the client. It reports each end
// ({"t":"end",...}) and exits when the channel closes. A socket it is not meant to keep (a probe's,
// one with a message it does not know, one of a truncated set) is closed at once.
//
// Built on first use by nativeRelay.ts (cc -O2 -Wall -Wextra -Werror: a warning is a relay not
// used), cached by the source's hash. Linux only (epoll).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHANNEL 3
#define BUF_SIZE (64 * 1024)
#define HANDOFF_TIMEOUT_S 5

struct conn;

/** One socket of a connection: 0 the client, 1 the endpoint. */
struct end {
  struct conn *c;
  int fd;
  int side;
  uint32_t mask;
  int registered;
};

/** Bytes read from one side, not yet written to the other; that side's end of stream. */
struct dir {
  char *buf;
  size_t start, end;
  int eof;  /* the side sent its FIN */
  int shut; /* the FIN was passed on (shutdown of the other side) */
};

struct conn {
  long id;
  struct end e[2];
  struct dir d[2]; /* d[0]: client -> endpoint, d[1]: endpoint -> client */
  unsigned long long bytes_in, bytes_out;
  char backend[64];
  int closed;
  struct conn *next; /* live list, then dead list */
};

/** A hand-off whose client socket came first. */
struct half {
  long id;
  int fd;
  char backend[64];
  unsigned long long bytes_in, bytes_out;
  time_t at;
  struct half *next;
};

static int ep;
static struct conn *live, *dead;
static struct half *halves;
static long conns;
static int draining;
static int stopped_said;

/** Says `stopped` (once: a stop after a drain must not say it twice). */
static void say_stopped(void);

static void write_all(const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(CHANNEL, s, n);
    if (w > 0) {
      s += w;
      n -= (size_t)w;
    } else if (w < 0 && errno == EAGAIN) {
      struct pollfd p = {.fd = CHANNEL, .events = POLLOUT};
      poll(&p, 1, 1000);
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else {
      exit(0); /* kube-proxy has gone */
    }
  }
}

static void say(const char *s) { write_all(s, strlen(s)); }

static void say_stopped(void) {
  if (stopped_said) return;
  stopped_said = 1;
  say("{\"t\":\"stopped\"}\n");
}

/** Seconds on a clock that never steps (hand-off timeouts). */
static time_t now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec;
}

static const char *err_name(int err) {
  const char *n = strerrorname_np(err);
  return n ? n : "EIO";
}

static void report_end(long id, unsigned long long in, unsigned long long out, const char *failure) {
  char line[512];
  if (failure)
    snprintf(line, sizeof line,
             "{\"t\":\"end\",\"id\":%ld,\"bytesIn\":%llu,\"bytesOut\":%llu,\"failure\":\"%s\"}\n", id,
             in, out, failure);
  else
    snprintf(line, sizeof line, "{\"t\":\"end\",\"id\":%ld,\"bytesIn\":%llu,\"bytesOut\":%llu}\n", id,
             in, out);
  say(line);
}

static void set_mask(struct end *e, uint32_t want) {
  if (want == 0) {
    if (e->registered) epoll_ctl(ep, EPOLL_CTL_DEL, e->fd, NULL);
    e->registered = 0;
    e->mask = 0;
    return;
  }
  if (e->registered && e->mask == want) return;
  struct epoll_event ev = {.events = want, .data.ptr = e};
  epoll_ctl(ep, e->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, e->fd, &ev);
  e->registered = 1;
  e->mask = want;
}

/** Read side s while nothing of it waits; write to s while the other side's bytes wait. */
static void update(struct conn *c) {
  for (int s = 0; s < 2; s++) {
    uint32_t want = 0;
    if (!c->d[s].eof && c->d[s].start == c->d[s].end) want |= EPOLLIN;
    if (c->d[1 - s].start < c->d[1 - s].end) want |= EPOLLOUT;
    set_mask(&c->e[s], want);
  }
}

static void close_conn(struct conn *c, const char *failure, int reset_client) {
  if (c->closed) return;
  c->closed = 1;
  for (int s = 0; s < 2; s++) set_mask(&c->e[s], 0);
  if (reset_client) {
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(c->e[0].fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  close(c->e[0].fd);
  close(c->e[1].fd);
  /* off the live list, onto the dead one: freed after this batch of events */
  for (struct conn **p = &live; *p; p = &(*p)->next)
    if (*p == c) {
      *p = c->next;
      break;
    }
  c->next = dead;
  dead = c;
  conns--;
  report_end(c->id, c->bytes_in, c->bytes_out, failure);
  if (draining && conns == 0) say_stopped();
}

/** An error on side s: a failure of the endpoint resets the client. */
static void fail(struct conn *c, int s, const char *what, int err) {
  char failure[256];
  if (s == 0)
    snprintf(failure, sizeof failure, "client %s %s", what, err_name(err));
  else
    snprintf(failure, sizeof failure, "backend %s %s %s", c->backend, what, err_name(err));
  close_conn(c, failure, s == 1);
}

/** Side s has ended and all its bytes are out: FIN to the other side; both done: close. */
static void pass_eof(struct conn *c, int s) {
  if (!c->d[s].shut) {
    if (shutdown(c->e[1 - s].fd, SHUT_WR) < 0) {
      fail(c, 1 - s, "shutdown", errno);
      return;
    }
    c->d[s].shut = 1;
  }
  if (c->d[0].shut && c->d[1].shut) close_conn(c, NULL, 0);
}

/** Writes what waits in d[s] to the other side. */
static void flush(struct conn *c, int s) {
  struct dir *d = &c->d[s];
  while (d->start < d->end) {
    ssize_t w = send(c->e[1 - s].fd, d->buf + d->start, d->end - d->start, MSG_NOSIGNAL);
    if (w > 0) {
      d->start += (size_t)w;
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && errno == EAGAIN) {
      return; /* back-pressure: s is not read until these are out */
    } else {
      fail(c, 1 - s, "write", errno);
      return;
    }
  }
  d->start = d->end = 0;
  if (d->eof) pass_eof(c, s);
}

static void read_side(struct conn *c, int s) {
  struct dir *d = &c->d[s];
  ssize_t n = read(c->e[s].fd, d->buf, BUF_SIZE);
  if (n > 0) {
    if (s == 0)
      c->bytes_in += (unsigned long long)n;
    else
      c->bytes_out += (unsigned long long)n;
    d->start = 0;
    d->end = (size_t)n;
    flush(c, s);
  } else if (n == 0) {
    d->eof = 1;
    pass_eof(c, s);
  } else if (errno != EAGAIN && errno != EINTR) {
    fail(c, s, "read", errno);
  }
}

static void on_event(struct end *e, uint32_t events) {
  struct conn *c = e->c;
  if (c->closed) return;
  int s = e->side;
  if (events & EPOLLOUT) {
    flush(c, 1 - s); /* the other side's bytes, to s */
    if (c->closed) return;
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    if (!c->d[s].eof && c->d[s].start == c->d[s].end) {
      read_side(c, s);
    } else if (events & EPOLLERR) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(e->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      fail(c, s, "read", err ? err : EIO);
    }
    if (c->closed) return;
  }
  update(c);
}

static int json_str(const char *line, const char *key, char *out, size_t n) {
  char pat[32];
  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  const char *p = strstr(line, pat);
  if (!p) return 0;
  p += strlen(pat);
  size_t i = 0;
  while (*p && *p != '"' && i + 1 < n) out[i++] = *p++;
  out[i] = 0;
  return 1;
}

static long long json_num(const char *line, const char *key) {
  char pat[32];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(line, pat);
  return p ? strtoll(p + strlen(pat), NULL, 10) : 0;
}

static void start_conn(long id, int cfd, int ufd, const char *backend, unsigned long long in,
                       unsigned long long out) {
  struct conn *c = calloc(1, sizeof *c);
  if (!c) exit(1);
  c->id = id;
  c->bytes_in = in;
  c->bytes_out = out;
  snprintf(c->backend, sizeof c->backend, "%s", backend);
  int fds[2] = {cfd, ufd};
  for (int s = 0; s < 2; s++) {
    c->e[s] = (struct end){.c = c, .fd = fds[s], .side = s};
    fcntl(fds[s], F_SETFL, fcntl(fds[s], F_GETFL) | O_NONBLOCK);
    c->d[s].buf = malloc(BUF_SIZE);
    if (!c->d[s].buf) exit(1);
  }
  c->next = live;
  live = c;
  conns++;
  update(c);
}

static void on_line(char *line, int fd) {
  char t[16] = "";
  json_str(line, "t", t, sizeof t);
  long id = (long)json_num(line, "id");
  int had_socket = fd >= 0;
  if (had_socket && strcmp(t, "client") != 0 && strcmp(t, "upstream") != 0) {
    /* a socket with a message that keeps none (a probe, a type this relay does not know):
       closed now, never held open for good */
    close(fd);
    fd = -1;
  }
  if (strcmp(t, "probe") == 0) {
    /* kube-proxy checks that sockets reach this relay before it hands it connections */
    say(had_socket ? "{\"t\":\"probe\",\"socket\":true}\n"
                   : "{\"t\":\"probe\",\"socket\":false}\n");
  } else if (strcmp(t, "client") == 0) {
    if (fd < 0) {
      report_end(id, json_num(line, "bytesIn"), json_num(line, "bytesOut"),
                 "relay hand-off lost the client socket");
      return;
    }
    struct half *h = calloc(1, sizeof *h);
    if (!h) exit(1);
    h->id = id;
    h->fd = fd;
    json_str(line, "backend", h->backend, sizeof h->backend);
    h->bytes_in = json_num(line, "bytesIn");
    h->bytes_out = json_num(line, "bytesOut");
    h->at = now_s();
    h->next = halves;
    halves = h;
  } else if (strcmp(t, "upstream") == 0) {
    struct half **p = &halves;
    while (*p && (*p)->id != id) p = &(*p)->next;
    struct half *h = *p;
    if (!h) {
      if (fd >= 0) close(fd);
      return;
    }
    *p = h->next;
    if (fd < 0) {
      struct linger l = {.l_onoff = 1, .l_linger = 0};
      setsockopt(h->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      close(h->fd);
      report_end(id, h->bytes_in, h->bytes_out,
                 "relay hand-off lost the endpoint socket: client connection reset");
    } else {
      start_conn(id, h->fd, fd, h->backend, h->bytes_in, h->bytes_out);
    }
    free(h);
  } else if (strcmp(t, "stop") == 0) {
    while (live) close_conn(live, NULL, 0);
    while (halves) {
      struct half *h = halves;
      halves = h->next;
      close(h->fd);
      report_end(h->id, h->bytes_in, h->bytes_out, "kube-proxy stopped during the relay hand-off");
      free(h);
    }
    say_stopped();
  } else if (strcmp(t, "drain") == 0) {
    draining = 1;
    if (conns == 0) say_stopped();
  }
}

/** Sockets received, in order; each NODE_HANDLE message takes the next one. */
static int fdq[1024];
static size_t fdq_head, fdq_tail;
static char chbuf[1 << 16];
static size_t chlen;

static void queue_socket(int fd) {
  if (fdq_tail - fdq_head == sizeof fdq / sizeof fdq[0]) exit(1);
  fdq[fdq_tail++ % (sizeof fdq / sizeof fdq[0])] = fd;
}

/** Queues the sockets a message carried. Truncated control data (MSG_CTRUNC: more sockets than
    fit, which Node never sends: it passes one a message) is not used in part: every socket that
    did arrive is closed, the message's hand-off gets none (-1) and fails saying so, and the
    relay says why on stderr. */
static void queue_sockets(struct msghdr *m) {
  int truncated = (m->msg_flags & MSG_CTRUNC) != 0;
  size_t closed = 0;
  for (struct cmsghdr *h = CMSG_FIRSTHDR(m); h; h = CMSG_NXTHDR(m, h)) {
    if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int *fds = (int *)CMSG_DATA(h);
    for (size_t i = 0; i < k; i++) {
      if (!truncated) {
        queue_socket(fds[i]);
      } else {
        close(fds[i]);
        closed++;
      }
    }
  }
  if (!truncated) return;
  queue_socket(-1);
  fprintf(stderr,
          "l4lab relay: a message's sockets were truncated (MSG_CTRUNC): closed the %zu that "
          "arrived; its hand-off fails\n",
          closed);
}

static void read_channel(void) {
  for (;;) {
    union {
      struct cmsghdr h;
      char b[CMSG_SPACE(sizeof(int) * 16)];
    } cb;
    struct iovec iov = {.iov_base = chbuf + chlen, .iov_len = sizeof chbuf - chlen};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
                       .msg_controllen = sizeof cb.b};
    ssize_t n = recvmsg(CHANNEL, &m, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) exit(0); /* the channel closed: kube-proxy has gone, or let this relay go */
    queue_sockets(&m);
    chlen += (size_t)n;
    char *p = chbuf;
    char *nl;
    while ((nl = memchr(p, '\n', (size_t)(chbuf + chlen - p)))) {
      *nl = 0;
      if (strstr(p, "\"cmd\":\"NODE_HANDLE\"")) {
        int fd = fdq_head < fdq_tail ? fdq[fdq_head++ % (sizeof fdq / sizeof fdq[0])] : -1;
        say("{\"cmd\":\"NODE_HANDLE_ACK\"}\n");
        on_line(p, fd);
      } else if (!strstr(p, "\"cmd\":\"NODE_")) {
        on_line(p, -1);
      }
      p = nl + 1;
    }
    chlen = (size_t)(chbuf + chlen - p);
    memmove(chbuf, p, chlen);
    if (chlen == sizeof chbuf) exit(1); /* a line longer than any message of ours */
  }
}

static void expire_halves(void) {
  time_t now = now_s();
  for (struct half **p = &halves; *p;) {
    struct half *h = *p;
    if (now - h->at < HANDOFF_TIMEOUT_S) {
      p = &h->next;
      continue;
    }
    *p = h->next;
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(h->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(h->fd);
    report_end(h->id, h->bytes_in, h->bytes_out,
               "relay hand-off lost the endpoint socket: client connection reset");
    free(h);
  }
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  fcntl(CHANNEL, F_SETFL, fcntl(CHANNEL, F_GETFL) | O_NONBLOCK);
  ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return 1;
  struct epoll_event ch = {.events = EPOLLIN, .data.ptr = NULL};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, CHANNEL, &ch) < 0) return 1;
  say("{\"t\":\"ready\"}\n");
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(ep, evs, 256, halves ? 1000 : -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr == NULL)
        read_channel();
      else
        on_event(evs[i].data.ptr, evs[i].events);
    }
    while (dead) {
      struct conn *c = dead;
      dead = c->next;
      free(c->d[0].buf);
      free(c->d[1].buf);
      free(c);
    }
    if (halves) expire_halves();
  }
}
