// One l4lab agent's event stream (`GET /events`, application/x-ndjson; packages/agent's wire.ts),
// read for as long as the agent is wanted: through the API server's `pods/proxy` (agents.ts) or
// directly (--agent-url). Each line is checked by AgentStreamDecoder; a stream that ends, fails or
// is refused is opened again after a back-off of 1 s doubling to 30 s (back to 1 s once an agent
// said hello), as client-go's reflector backs off its watches.
import type { ClientRequest, IncomingMessage } from 'node:http';
import {
  AGENT_EVENTS_CONTENT_TYPE,
  AGENT_TOKEN_HEADER,
  AgentStreamDecoder,
  type AgentHello,
  type AgentMessage,
} from '@l4lab/agent';
import type { Logger } from '../logger.ts';
import { failureMessage } from './kubeClient.ts';

export type AgentLinkState =
  | { phase: 'connecting' }
  | { phase: 'connected'; hello: AgentHello }
  | { phase: 'failed'; error: string; retryInMs: number };

/** Opens `GET .../events` with these headers (the credentials to the API server added). */
export type OpenAgentStream = (
  headers: Record<string, string>,
  onResponse: (res: IncomingMessage) => void,
) => Promise<ClientRequest>;

export interface AgentStreamOptions {
  /** The pod (`l4lab-system/l4lab-agent-x7k2p`) or the URL, for logs and messages. */
  name: string;
  open: OpenAgentStream;
  /** The agents' shared token, read at each connection (a rotated Secret works). */
  token: () => Promise<string>;
  /** Every message after a valid hello (the hello included), in order. */
  onMessage: (m: AgentMessage) => void;
  onState: (s: AgentLinkState) => void;
  logger: Logger;
  /** The first back-off (doubling up to maxRetryMs). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** An agent sends its counters every 5 s: a stream silent this long is dead (a half-open TCP). */
const IDLE_MS = 30_000;
/** A refusal's body read at most this far (a Status, the agent's 401 text). */
const MAX_ERROR_BODY = 16 * 1024;

export class AgentStream {
  readonly #o: AgentStreamOptions;
  readonly #firstRetryMs: number;
  readonly #maxRetryMs: number;
  #retryMs: number;
  #req: ClientRequest | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #state: AgentLinkState = { phase: 'connecting' };

  constructor(opts: AgentStreamOptions) {
    this.#o = opts;
    this.#firstRetryMs = opts.retryMs ?? 1000;
    this.#maxRetryMs = opts.maxRetryMs ?? 30_000;
    this.#retryMs = this.#firstRetryMs;
  }

  get state(): AgentLinkState {
    return this.#state;
  }

  start(): void {
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#req?.destroy();
    this.#req = undefined;
  }

  #set(s: AgentLinkState): void {
    this.#state = s;
    if (!this.#stopped) this.#o.onState(s);
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    if (this.#state.phase !== 'connecting') this.#set({ phase: 'connecting' });
    let token: string;
    try {
      token = await this.#o.token();
    } catch (err) {
      return this.#failed(`agent token unreadable: ${messageOf(err)}`);
    }
    let ended = false;
    const end = (error: string) => {
      if (ended) return;
      ended = true;
      this.#req?.destroy();
      this.#req = undefined;
      this.#failed(error);
    };
    const headers = { Accept: AGENT_EVENTS_CONTENT_TYPE, [AGENT_TOKEN_HEADER]: token };
    const onResponse = (res: IncomingMessage) => this.#read(res, end);
    try {
      const req = await this.#o.open(headers, onResponse);
      if (this.#stopped) return void req.destroy();
      this.#req = req;
      req.on('error', function requestFailed(err) {
        end(messageOf(err));
      });
      req.setTimeout(IDLE_MS, function silent() {
        end(`nothing from the agent in ${IDLE_MS / 1000} s (it sends its counters every 5 s)`);
      });
      req.end();
    } catch (err) {
      end(messageOf(err));
    }
  }

  #read(res: IncomingMessage, end: (error: string) => void): void {
    res.on('error', function responseFailed(err) {
      end(messageOf(err));
    });
    if (res.statusCode !== 200) {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (text.length < MAX_ERROR_BODY) text += c;
      });
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // the agent's own text (401 Unauthorized), or a proxy's page
        }
        end(failureMessage({ status: res.statusCode ?? 0, body, warnings: [] }));
      });
      return;
    }
    let hello: AgentHello | undefined;
    const decoder = new AgentStreamDecoder(
      (m) => {
        if (!hello) {
          if (m.type !== 'hello') return end(`the agent sent ${m.type} before its hello`);
          hello = m;
          this.#retryMs = this.#firstRetryMs;
          this.#set({ phase: 'connected', hello });
        }
        this.#o.onMessage(m);
      },
      (error) => {
        // Before a hello, the other end is not an agent this server reads (another version).
        if (!hello) end(`not an l4lab agent's stream: ${error}`);
        else this.#o.logger.warn({ agent: this.#o.name, error }, 'agent line skipped');
      },
    );
    res.setEncoding('utf8');
    res.on('data', (c: string) => decoder.write(c));
    res.on('end', () => end('the agent ended its stream'));
  }

  #failed(error: string): void {
    if (this.#stopped) return;
    const retryInMs = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#maxRetryMs);
    this.#o.logger.warn({ agent: this.#o.name, error, retryInMs }, 'agent stream: retrying');
    this.#set({ phase: 'failed', error, retryInMs });
    this.#timer = setTimeout(() => void this.#connect(), retryInMs);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
