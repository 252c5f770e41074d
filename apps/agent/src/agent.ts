// One node's agent: the conntrack reader, kube-proxy's mode, and the HTTP server streaming both
// to whoever holds the token (main.ts's header: how it runs, what it reads, what it never does).
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AGENT_WIRE_VERSION, type AgentConntrackSettings, type AgentHello } from '@l4lab/agent';
import type { ConntrackEvent, LineProcessOptions } from '@l4lab/dataplane';
import { ConntrackReader } from './conntrackReader.ts';
import { readConntrackSettings } from './conntrackSettings.ts';
import { createAgentServer } from './httpServer.ts';
import { KubeProxyModeWatch, readKubeProxyMode } from './kubeProxyMode.ts';
import type { AgentLogger } from './logger.ts';
import type { AgentOptions } from './options.ts';
import { EventStream } from './stream.ts';
import { TokenFile } from './token.ts';

export interface AgentConfig extends AgentOptions {
  logger: AgentLogger;
}

export const STATS_INTERVAL_MS = 5000;
export const MODE_INTERVAL_MS = 60_000;

const realClock: LineProcessOptions['clock'] = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

export const AGENT_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export class Agent {
  readonly #c: AgentConfig;
  readonly #stream = new EventStream();
  #reader: ConntrackReader | undefined;
  #server: Server | undefined;
  #stats: NodeJS.Timeout | undefined;
  #mode: KubeProxyModeWatch | undefined;
  #conntrack: AgentConntrackSettings | undefined;
  #readerKind: 'native' | 'cli' = 'native';

  constructor(config: AgentConfig) {
    this.#c = config;
  }

  /** Starts reading and serving; resolves with the address it listens on. */
  async start(): Promise<AddressInfo> {
    const c = this.#c;
    const token = new TokenFile(c.tokenFile); // throws: never start without one
    this.#conntrack = readConntrackSettings(undefined, c.netns);
    c.logger.info({ conntrack: this.#conntrack }, 'conntrack settings (read, not changed)');
    if (this.#conntrack.acct === false)
      c.logger.warn({}, 'nf_conntrack_acct is off on this node: connection bytes are not known');
    this.#reader = new ConntrackReader({
      ...this.#conntrack,
      reader: c.reader,
      ...(c.netns ? { netns: c.netns } : {}),
      logger: c.logger,
      clock: realClock,
      onEvent: (e) => {
        if (c.allFlows || translated(e)) this.#stream.event(e);
      },
      onLoss: (cause) => this.#stream.loss(cause),
    });
    this.#readerKind = this.#reader.start();
    this.#mode = new KubeProxyModeWatch({
      read: () => readKubeProxyMode(c.kubeProxyUrl),
      clock: realClock,
      intervalMs: MODE_INTERVAL_MS,
      onChange: (mode) => {
        c.logger.info({ ...mode }, "kube-proxy's mode changed");
        this.#stream.mode(mode);
      },
    });
    await this.#mode.start();
    c.logger.info({ ...this.#mode.mode }, "kube-proxy's mode");
    this.#stats = setInterval(() => this.#stream.stats(), STATS_INTERVAL_MS);
    const server = createAgentServer({
      stream: this.#stream,
      hello: () => this.hello(),
      authorized: (t) => token.matches(t),
      logger: c.logger,
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(c.port, c.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    c.logger.info({ ...address, node: c.node, reader: this.#readerKind }, 'agent listening');
    return address;
  }

  hello(): AgentHello {
    return {
      type: 'hello',
      version: AGENT_WIRE_VERSION,
      node: this.#c.node,
      agentVersion: AGENT_VERSION,
      ...(this.#mode?.mode ?? { kubeProxyMode: 'unknown', kubeProxyModeReason: 'not read yet' }),
      conntrack: this.#conntrack ?? { acct: null, timeWaitSeconds: null, closeSeconds: null },
      reader: this.#readerKind,
    };
  }

  /** Stops serving and reading; resolves once the reader's process is gone. */
  async stop(): Promise<void> {
    clearInterval(this.#stats);
    this.#mode?.stop();
    const server = this.#server;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // the streams never end on their own
      await closed;
    }
    await this.#reader?.stop();
  }
}

/**
 * Whether conntrack shows the flow translated: the reply comes from another address or port than
 * the client addressed (DNAT). kube-proxy translates every connection to a Service frontend
 * (ClusterIP, NodePort, LoadBalancer or external IP; iptables, nftables, and IPVS with
 * conntrack=1), and nothing else on a node usually is; pod-to-pod flows and DNS to a pod are not
 * streamed (the server would ignore them), which keeps a busy node's stream to its Services.
 */
export function translated(e: ConntrackEvent): boolean {
  return e.reply.src !== e.orig.dst || e.reply.sport !== e.orig.dport;
}
