// What stands in for an image l4lab does not run (every image but nginx's, and with the Docker
// runtime, every image the engine does not have). One table: per image, what it runs by default
// (ENTRYPOINT and CMD), its emulated program when it is a well-known demo image, the ports its
// server listens on whatever the manifest declares (databases), and its answer to raw bytes.
// An image not in the table gets the generic stand-in: on each declared containerPort, an HTTP
// answer that names the pod, the image and that it is a stand-in, or a line for other protocols.
import type { Container, ContainerPort } from '@l4lab/protocol';
import {
  agnhost,
  bootcampServerJs,
  ealenEchoServer,
  echoserver,
  helloApp,
  helloKubernetes,
  httpEcho,
  kubernetesBootcamp,
  nodeHello,
  serveHostname,
  whoami,
} from './demoImages.ts';
import type { ImageProgram, Listener, ProgramContext, StandInPod } from './standInTypes.ts';

export interface ImageEntry {
  /** The repository, without registry host and `library/` (`hashicorp/http-echo`, `redis`). */
  match: RegExp;
  /** The image's ENTRYPOINT and CMD: what runs when the manifest gives no command / args. */
  entrypoint: string[];
  cmd: string[];
  /** The emulated program: it runs when the container's argv starts with its binary. */
  program?: { binary: string; run(args: string[], ctx: ProgramContext): ImageProgram };
  /** Ports its server listens on whether the manifest declares them or not. */
  ports?: number[];
  /** Its answer to bytes that are not HTTP (a redis client's PING). */
  line?(data: string, image: string): string | undefined;
  /**
   * The tags its registry has, where they are few and known: any other is not found, and the pod
   * waits in ErrImagePull / ImagePullBackOff (the Kubernetes Basics tutorial's `:v10`).
   */
  tags?: string[];
  /** Files of the image that a tutorial reads (`cat server.js`), by absolute path, for a tag. */
  files?(tag: string): Record<string, string>;
  /** Its shell's prompt (its PS1) in a container whose hostname is `host`, where not busybox's. */
  prompt?(host: string): string;
}

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

/** A redis client's command (RESP array or inline): PING and ECHO answered, others refused. */
export function redisAnswer(data: string, image: string): string | undefined {
  const lines = data.split('\r\n');
  const args = lines[0]?.startsWith('*')
    ? lines.slice(1).filter((_l, i) => i % 2 === 1)
    : data.trim().split(/\s+/);
  const [cmd = '', ...rest] = args;
  switch (cmd.toUpperCase()) {
    case '':
      return undefined;
    case 'PING':
      return rest.length ? bulk(rest[0]!) : '+PONG\r\n';
    case 'ECHO':
      return bulk(rest[0] ?? '');
    case 'QUIT':
      return '+OK\r\n';
    case 'COMMAND':
      return '*0\r\n';
    default:
      return `-ERR l4lab stand-in for ${image}: this image is not run, '${cmd}' is not answered\r\n`;
  }
}

const program = (binary: string, run: (args: string[], ctx: ProgramContext) => ImageProgram) => ({
  binary,
  run,
});

/** The table, most specific first. */
export const STAND_INS: readonly ImageEntry[] = [
  {
    match: /^hashicorp\/http-echo$/,
    entrypoint: ['/http-echo'],
    cmd: [],
    program: program('http-echo', httpEcho),
  },
  {
    match: /(^|\/)agnhost$/,
    entrypoint: ['/agnhost'],
    cmd: ['pause'],
    program: program('agnhost', agnhost),
  },
  {
    // The docs' "Debug Services" page: answers its pod's name on 9376, declared or not.
    match: /(^|\/)serve_hostname$/,
    entrypoint: ['/serve_hostname'],
    cmd: [],
    program: program('serve_hostname', serveHostname),
  },
  {
    match: /(^|\/)hello-app$/,
    entrypoint: ['./hello-app'],
    cmd: [],
    program: program('hello-app', helloApp),
  },
  {
    match: /^(traefik|containous)\/whoami$/,
    entrypoint: ['/whoami'],
    cmd: [],
    program: program('whoami', whoami),
  },
  {
    match: /^ealen\/echo-server$/,
    entrypoint: ['node', 'webserver'],
    cmd: [],
    program: program('node', ealenEchoServer),
  },
  {
    match: /(^|\/)echoserver$/,
    entrypoint: ['/usr/local/bin/run.sh'],
    cmd: [],
    program: program('run.sh', echoserver),
  },
  {
    // The Kubernetes Basics tutorial: v1, then v2 from jocatalin's repository; its `:v10` is
    // the update that fails.
    match: /^google-samples\/kubernetes-bootcamp$/,
    entrypoint: [],
    cmd: ['node', 'server.js'],
    program: program('node', kubernetesBootcamp),
    tags: ['v1'],
    files: (tag) => ({ '/server.js': bootcampServerJs(tag) }),
  },
  {
    match: /^jocatalin\/kubernetes-bootcamp$/,
    entrypoint: [],
    cmd: ['node', 'server.js'],
    program: program('node', kubernetesBootcamp),
    files: (tag) => ({ '/server.js': bootcampServerJs(tag) }),
  },
  {
    match: /^google-samples\/node-hello$/,
    entrypoint: [],
    cmd: ['node', 'server.js'],
    program: program('node', nodeHello),
  },
  {
    match: /^paulbouwer\/hello-kubernetes$/,
    entrypoint: ['node', 'server.js'],
    cmd: [],
    program: program('node', helloKubernetes),
  },
  // Images whose default command is a shell: without stdin it ends at once (CrashLoopBackOff on
  // a cluster too), so their manifests give a command (`sleep 3600`).
  { match: /(^|\/)(busybox|alpine)$/, entrypoint: [], cmd: ['sh'] },
  // busybox with curl, the docs' client in "Connecting Applications with Services"
  // (`kubectl run curl --image=radial/busyboxplus:curl -i --tty --rm`): its PS1 is its own.
  {
    match: /^radial\/busyboxplus$/,
    entrypoint: [],
    cmd: ['sh'],
    prompt: (host) => `[ root@${host}:/ ]$ `,
  },
  // A client image load and probe Jobs use (`-- curl -s http://web`): the pod tools' curl.
  { match: /^curlimages\/curl$/, entrypoint: [], cmd: ['curl'] },
  {
    match: /(^|\/)(ubuntu|debian|centos|fedora|rockylinux|almalinux|amazonlinux)$/,
    entrypoint: [],
    cmd: ['bash'],
  },
  { match: /(^|\/)pause$/, entrypoint: ['/pause'], cmd: [] },
  // Servers that are not HTTP: they listen on their port and accept, and say what they are.
  {
    match: /(^|\/)[\w.-]*redis[\w.-]*$/,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
    ports: [6379],
    line: redisAnswer,
  },
  { match: /(^|\/)(mysql|mariadb)$/, entrypoint: ['docker-entrypoint.sh'], cmd: [], ports: [3306] },
  { match: /(^|\/)postgres(ql)?$/, entrypoint: ['docker-entrypoint.sh'], cmd: [], ports: [5432] },
  { match: /(^|\/)mongo(db)?$/, entrypoint: ['docker-entrypoint.sh'], cmd: [], ports: [27017] },
  { match: /(^|\/)memcached$/, entrypoint: ['docker-entrypoint.sh'], cmd: [], ports: [11211] },
  { match: /(^|\/)rabbitmq$/, entrypoint: ['docker-entrypoint.sh'], cmd: [], ports: [5672] },
  { match: /(^|\/)cassandra$/, entrypoint: ['docker-entrypoint.sh'], cmd: [], ports: [9042] },
  { match: /(^|\/)zookeeper$/, entrypoint: ['/docker-entrypoint.sh'], cmd: [], ports: [2181] },
  { match: /(^|\/)elasticsearch$/, entrypoint: ['/docker-entrypoint.sh'], cmd: [], ports: [9200] },
];

/** `registry.k8s.io/e2e-test-images/agnhost:2.39@sha256:...` -> `e2e-test-images/agnhost`, `2.39`. */
export function parseImage(image: string): { repo: string; tag: string } {
  const ref = image.split('@')[0]!;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const tag = colon > slash ? ref.slice(colon + 1) : 'latest';
  const parts = (colon > slash ? ref.slice(0, colon) : ref).split('/');
  // A first part with a dot, a port or `localhost` is a registry host, not a path.
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return { repo: parts.join('/'), tag };
}

/**
 * Images whose busybox is older than 1.29 (`busybox:1.28`, the docs' DNS image; `radial/busyboxplus`,
 * busybox 1.22; the old gcr.io and k8s.gcr.io busybox): their nslookup asks libc (getaddrinfo,
 * then a reverse lookup per address) and prints busybox's first format (`Address 1: ip name`).
 */
export function hasOldNslookup(image: string): boolean {
  const { repo, tag } = parseImage(image);
  if (repo === 'radial/busyboxplus') return true;
  if (/^google[-_]containers\/busybox$/.test(repo)) return true;
  if (/^(k8s\.gcr\.io|registry\.k8s\.io)\/busybox(:|@|$)/.test(image)) return true;
  if (repo !== 'busybox') return false;
  const minor = /^1\.(\d+)(\.|-|$)/.exec(tag);
  return minor !== null && Number(minor[1]) < 29;
}

export function standInOf(image: string): ImageEntry | undefined {
  const { repo } = parseImage(image);
  return STAND_INS.find((e) => e.match.test(repo));
}

/**
 * The prompt of an interactive shell in a container of `image` whose hostname is `host`: the
 * image's own, else bash's `\u@\h:\w# ` as root, or busybox sh's `/ # `.
 */
export function shellPrompt(image: string, host: string, shell: 'sh' | 'bash'): string {
  const own = standInOf(image)?.prompt?.(host);
  if (own) return own;
  return shell === 'bash' ? `root@${host}:/# ` : '/ # ';
}

/** Images built on busybox or Alpine: their shell is busybox's `sh`, and there is no bash. */
const NO_BASH = /(^|\/)(busybox|alpine|busyboxplus|curl)$/;

/**
 * Whether a container of `image` has bash (`kubectl exec -ti POD -- bash`): not in busybox and
 * Alpine images (`busybox`, `alpine`, `radial/busyboxplus`, `curlimages/curl`, any `*alpine*`
 * tag: `nginx:alpine`, `node:20-alpine`), where the runtime says it is not in $PATH.
 */
export function imageHasBash(image: string): boolean {
  const { repo, tag } = parseImage(image);
  return !NO_BASH.test(repo) && !/(^|-)alpine/.test(tag);
}

/** The files a stand-in's image brings (its entry's), by absolute path; none for most. */
export function imageFiles(image: string): Record<string, string> {
  return standInOf(image)?.files?.(parseImage(image).tag) ?? {};
}

/**
 * Kubernetes' `$(VAR)` references in env values, command and args: replaced by the variable's
 * value when it is defined, kept as written when not; `$$` is a literal `$`.
 */
export function expandVars(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][\w.-]*)\)/g, (all, name?: string) =>
    name === undefined ? '$' : (env.get(name) ?? all),
  );
}

/**
 * What the container runs, by Kubernetes' rule: `command` replaces the image's ENTRYPOINT (and
 * its CMD), `args` replaces its CMD; the manifest's `$(VAR)` references expanded from `env`.
 */
export function containerArgv(
  c: Container,
  entry: ImageEntry | undefined,
  env: ReadonlyMap<string, string> = new Map(),
): string[] {
  const own = (xs: string[] | undefined) => xs?.map((x) => expandVars(x, env));
  if (c.command) return [...own(c.command)!, ...(own(c.args) ?? [])];
  return [...(entry?.entrypoint ?? []), ...(own(c.args) ?? entry?.cmd ?? [])];
}

/** The downward API's fields a stand-in knows. */
function fieldOf(path: string | undefined, pod: StandInPod): string {
  const fields: Record<string, string> = {
    'metadata.name': pod.name,
    'metadata.namespace': pod.namespace,
    'spec.nodeName': pod.node,
    'status.podIP': pod.ip,
    'status.podIPs': pod.ip,
  };
  return fields[path ?? ''] ?? '';
}

/**
 * What the kubelet puts in a container's environment: its `env` (fieldRefs resolved, `$(VAR)`
 * expanded from the variables before it and the Services'), then the Service variables its `env`
 * does not set (makeEnvironmentVariables).
 */
export function kubeletEnv(c: Container, pod: StandInPod): Map<string, string> {
  const env = new Map<string, string>();
  const services = Object.entries(pod.serviceEnv ?? {});
  const known = new Map(services);
  for (const e of c.env ?? []) {
    const value =
      e.value !== undefined
        ? expandVars(e.value, known)
        : fieldOf(e.valueFrom?.fieldRef?.fieldPath, pod);
    known.set(e.name, value);
    env.set(e.name, value);
  }
  for (const [name, value] of services) if (!env.has(name)) env.set(name, value);
  return env;
}

/** The container's whole environment: the image's PATH and HOME, its HOSTNAME, the kubelet's. */
export function containerEnv(c: Container, pod: StandInPod): Map<string, string> {
  const env = new Map([
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['HOSTNAME', pod.hostname ?? pod.name],
    ['HOME', '/root'],
  ]);
  for (const [name, value] of kubeletEnv(c, pod)) env.set(name, value);
  return env;
}

/** What every answer of a generic stand-in says. */
export function standInText(image: string, pod: StandInPod): string {
  return `stand-in for ${image} in pod ${pod.name} (l4lab: this image is not run; its ports accept connections)`;
}

/**
 * The generic stand-in's ports: each declared containerPort (TCP and UDP) and the image's own.
 * HTTP gets the stand-in text; other TCP bytes get the image's answer, or the text as a line;
 * UDP gets `namespace/name`, as nginx pods answer.
 */
export function genericListeners(
  image: string,
  pod: StandInPod,
  ports: ContainerPort[],
  entry: ImageEntry | undefined,
): Listener[] {
  const body = `${standInText(image, pod)}\n`;
  const seen = new Set<string>();
  const out: Listener[] = [];
  const all = [
    ...ports.map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP' })),
    ...(entry?.ports ?? []).map((port) => ({ port, protocol: 'TCP' as const })),
  ];
  for (const { port, protocol } of all) {
    const key = `${protocol}/${port}`;
    if (seen.has(key) || protocol === 'SCTP') continue;
    seen.add(key);
    if (protocol === 'UDP')
      out.push({ protocol, port, udp: () => `${pod.namespace}/${pod.name}\n` });
    else
      out.push({
        protocol: 'TCP',
        port,
        http: () => ({ status: 200, body }),
        line: (data) => (entry?.line ? entry.line(data, image) : body),
      });
  }
  return out;
}
