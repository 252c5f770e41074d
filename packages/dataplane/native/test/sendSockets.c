// A test helper of relay.integration.test.ts, not part of l4lab: runs the native relay (argv[1])
// with its channel on a socketpair at fd 3, as Node's child_process would, and sends it one
// hand-off message carrying argv[2] sockets in a single SCM_RIGHTS block. Node never sends more
// than one, and the relay takes at most 16, so past that its recvmsg sees MSG_CTRUNC. Prints the
// relay's open descriptors before and after (`fds before N`, `fds after N`) and every line it
// answered (`line ...`).
#define _GNU_SOURCE
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int channel;
static char pending[1 << 16];
static size_t pending_len;

/** Descriptors open in process `pid` (/proc/PID/fd). */
static int count_fds(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
  DIR *d = opendir(path);
  if (!d) return -1;
  int n = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

/** The relay's next line into `out` (without its newline); 0 when none came within 3 s. */
static int read_line(char *out, size_t n) {
  for (;;) {
    char *nl = memchr(pending, '\n', pending_len);
    if (nl) {
      size_t len = (size_t)(nl - pending);
      snprintf(out, n, "%.*s", (int)len, pending);
      pending_len -= len + 1;
      memmove(pending, nl + 1, pending_len);
      return 1;
    }
    struct pollfd p = {.fd = channel, .events = POLLIN};
    if (poll(&p, 1, 3000) <= 0) return 0;
    ssize_t r = read(channel, pending + pending_len, sizeof pending - pending_len);
    if (r <= 0) return 0;
    pending_len += (size_t)r;
  }
}

/** Prints the relay's lines up to one containing `until`; 0 when it never came. */
static int print_lines_until(const char *until) {
  char line[4096];
  while (read_line(line, sizeof line)) {
    printf("line %s\n", line);
    if (strstr(line, until)) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s RELAY SOCKETS\n", argv[0]);
    return 2;
  }
  int count = atoi(argv[2]);
  int sv[2];
  if (count < 1 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return 2;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(sv[1], 3); /* dup2 clears close-on-exec on the copy */
    execl(argv[1], argv[1], (char *)NULL);
    _exit(127);
  }
  close(sv[1]);
  channel = sv[0];
  if (!print_lines_until("\"ready\"")) return 1;
  printf("fds before %d\n", count_fds(pid));

  int *fds = calloc((size_t)count, sizeof(int));
  for (int i = 0; i < count; i++) fds[i] = socket(AF_INET, SOCK_STREAM, 0);
  const char *msg = "{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Native\",\"msg\":{\"t\":\"client\","
                    "\"id\":7,\"backend\":\"127.0.0.1:9\",\"bytesIn\":0,\"bytesOut\":0}}\n";
  struct iovec iov = {.iov_base = (void *)msg, .iov_len = strlen(msg)};
  size_t space = CMSG_SPACE(sizeof(int) * (size_t)count);
  char *control = calloc(1, space);
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                     .msg_controllen = space};
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
  memcpy(CMSG_DATA(h), fds, sizeof(int) * (size_t)count);
  if (sendmsg(channel, &m, 0) < 0) return 1;
  for (int i = 0; i < count; i++) close(fds[i]);

  print_lines_until("\"end\""); /* the hand-off's end, if the relay reports one */
  /* a barrier: the relay has handled everything before it once it says stopped */
  const char *drain = "{\"t\":\"drain\"}\n";
  if (write(channel, drain, strlen(drain)) < 0) return 1;
  if (!print_lines_until("\"stopped\"")) return 1;
  printf("fds after %d\n", count_fds(pid));
  fflush(stdout);
  close(channel);
  waitpid(pid, NULL, 0);
  return 0;
}
