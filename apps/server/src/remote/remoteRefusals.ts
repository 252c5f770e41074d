// What the embedded lab has and remote mode does not: each call answers 501 Not Implemented with
// what is missing and what to do instead, never an empty answer that would pass for the truth.
import express, { type Router } from 'express';
import { sendError } from '../httpError.ts';

export const NOT_IN_REMOTE_MODE = 'L4_E_NOT_IN_REMOTE_MODE';

/** The dataplane view's words: l4lab's own kube-proxy, which remote mode does not run. */
const NO_PROXY =
  "kube-proxy's rules on each node are the cluster's own: l4lab reads only their choices (the agents' conntrack events, in the connection log)";

const NODES =
  "nodes of a real cluster are not stopped or started from l4lab in remote mode (kubectl cordon / drain are the cluster's tools)";
const PODS =
  "l4lab's pod faults (kill, unready) need l4lab's own kubelet: not available in remote mode (kubectl delete pod restarts one)";
const PROXY_MODE =
  "the proxy mode is kube-proxy's on each node of a real cluster: l4lab cannot set it in remote mode";
const DATAPLANE = `the dataplane view shows l4lab's own kube-proxy, which does not run in remote mode; ${NO_PROXY}`;
const LESSONS = 'workshop lessons are not built yet in remote mode';
const WORKSPACE = 'workspace export and import hold an embedded lab: not available in remote mode';

export function remoteRefusals(): Router {
  const r = express.Router();
  const refuse = (message: string) => (_req: express.Request, res: express.Response) =>
    sendError(res, 501, NOT_IN_REMOTE_MODE, message);
  r.all('/pods/:namespace/:name/{*rest}', refuse(PODS));
  r.all('/nodes/:name/{*rest}', refuse(NODES));
  r.all('/services/:namespace/:name/proxy-mode', refuse(PROXY_MODE));
  r.all('/frontends', refuse(DATAPLANE));
  r.all('/dataplane', refuse(DATAPLANE));
  r.all('/dataplane/{*rest}', refuse(DATAPLANE));
  r.all('/lessons', refuse(LESSONS));
  r.all('/lessons/{*rest}', refuse(LESSONS));
  r.all('/workspace/{*rest}', refuse(WORKSPACE));
  return r;
}
