// The shapes shared by the stand-in table (standIns.ts), the emulated demo programs
// (demoImages.ts) and the sockets that serve them (standInServer.ts). No I/O here.
import type { Clock } from '@l4lab/cluster';
import type { ContainerPort } from '@l4lab/protocol';

/** The pod a stand-in serves in (its name is the container's hostname). */
export interface StandInPod {
  namespace: string;
  name: string;
  ip: string;
  node: string;
  /** spec.hostname when set (the container's HOSTNAME), else the name. */
  hostname?: string;
  /** The kubelet's files in every container (/etc/hosts, /etc/resolv.conf, ...). */
  files?: Readonly<Record<string, string>>;
  /** Service links: `<SVC>_SERVICE_HOST` ... of the Services there when the container starts. */
  serviceEnv?: Readonly<Record<string, string>>;
}

/** One HTTP request as a stand-in sees it. */
export interface HttpAsk {
  method: string;
  /** The request target: path and query (`/echo?msg=hi`). */
  path: string;
  httpVersion: string;
  /** The Host header (or the address the client dialled). */
  host: string;
  /** Headers as sent, in order, names as the client wrote them. */
  headers: [string, string][];
  remoteAddress: string;
  remotePort: number;
}

export interface HttpAnswer {
  status: number;
  /** Content-Type defaults to Go's `text/plain; charset=utf-8`. */
  headers?: Record<string, string>;
  body: string;
}

export type HttpHandler = (ask: HttpAsk) => HttpAnswer;

/** A port of a stand-in and how it answers. */
export type Listener =
  | {
      protocol: 'TCP';
      port: number;
      http: HttpHandler;
      /** Bytes that are not HTTP (a database client's): the answer, if any, to each chunk. */
      line?: (data: string) => string | undefined;
    }
  /** Writes this and closes, whatever comes (agnhost serve-hostname --tcp). */
  | { protocol: 'TCP'; port: number; banner: string }
  | {
      protocol: 'UDP';
      port: number;
      udp: (data: string, from: { address: string; port: number }) => string | undefined;
    };

/** What an emulated program does once started. */
export interface ImageProgram {
  listeners: Listener[];
  /** What it writes as it starts (its log's first lines). */
  log: string[];
  /** It ends at once (a missing flag, an unknown subcommand): exit code and last words. */
  exit?: { code: number; message: string };
}

export interface ProgramContext {
  pod: StandInPod;
  /** The image as the manifest names it (`hashicorp/http-echo:1.0`). */
  image: string;
  /** Its tag (`1.0`), `latest` when none. */
  tag: string;
  env: Map<string, string>;
  clock: Clock;
  startedAt: number;
  ports: ContainerPort[];
  /** A line for the container's log (access logs). */
  log(line: string): void;
  /** The generic stand-in's listeners: what serves when the program is not emulated. */
  generic(): Listener[];
}
