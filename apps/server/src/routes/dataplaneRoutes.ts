import express, { type Router } from 'express';
import {
  KERNEL_TABLE,
  NETWORK_POLICY_TABLE,
  NO_KERNEL_RULES,
  type PodPolicyRules,
  type DataplaneStatus,
  type NftChain,
  type ServiceRules,
} from '@l4lab/protocol';
import { sendError } from '../httpError.ts';

/** What the routes read of the running kube-proxy (dataplaneView.ts builds one per dataplane). */
export interface DataplaneView {
  name: 'userspace' | 'nftables';
  status(): DataplaneStatus;
  /**
   * The chains serving the Service as the kernel has them now; undefined when no such Service.
   * Absent when the dataplane writes no kernel rules (userspace).
   */
  rulesFor?(namespace: string, name: string): Promise<{ chains: NftChain[] } | undefined>;
  /**
   * The NetworkPolicy chains judging the pod's connections, as the kernel has them now;
   * undefined when no such pod. Absent when the dataplane writes no kernel rules (userspace).
   */
  policyRulesFor?(namespace: string, name: string): Promise<{ chains: NftChain[] } | undefined>;
}

/**
 * GET /api/dataplane: which kube-proxy runs, its sync times, conntrack's event counts and the
 * Services served otherwise than they asked. GET /api/dataplane/rules/{namespace}/{name}: the
 * `nft list` text of every chain serving that Service, with the kernel's live counters. GET
 * /api/dataplane/policy-rules/{namespace}/{name}: the NetworkPolicy chains judging that pod's
 * connections, counters live.
 */
export function dataplaneRoutes(view: DataplaneView, now: () => number = Date.now): Router {
  const r = express.Router();

  r.get('/dataplane', function dataplaneStatus(_req, res) {
    res.json(view.status());
  });

  r.get('/dataplane/rules/:namespace/:name', async function serviceRules(req, res) {
    const { namespace, name } = req.params;
    if (!view.rulesFor) {
      return sendError(
        res,
        409,
        NO_KERNEL_RULES,
        'the userspace dataplane writes no kernel rules: start with --dataplane nftables',
      );
    }
    let listed: { chains: NftChain[] } | undefined;
    try {
      listed = await view.rulesFor(namespace, name);
    } catch (err) {
      // `nft list` failed: the table is the kernel's, so say what the kernel said.
      return sendError(
        res,
        500,
        'L4_E_NFT_LIST',
        `could not list table ${KERNEL_TABLE}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (!listed) return sendError(res, 404, 'L4_E_NOT_FOUND', `services "${name}" not found`);
    const body: ServiceRules = {
      table: KERNEL_TABLE,
      service: `${namespace}/${name}`,
      chains: listed.chains,
      at: now(),
    };
    res.json(body);
  });

  r.get('/dataplane/policy-rules/:namespace/:name', async function podPolicyRules(req, res) {
    const { namespace, name } = req.params;
    if (!view.policyRulesFor) {
      return sendError(
        res,
        409,
        NO_KERNEL_RULES,
        'the userspace dataplane writes no kernel rules (it judges each connection itself): start with --dataplane nftables',
      );
    }
    let listed: { chains: NftChain[] } | undefined;
    try {
      listed = await view.policyRulesFor(namespace, name);
    } catch (err) {
      return sendError(
        res,
        500,
        'L4_E_NFT_LIST',
        `could not list table ${NETWORK_POLICY_TABLE}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (!listed) return sendError(res, 404, 'L4_E_NOT_FOUND', `pods "${name}" not found`);
    const body: PodPolicyRules = {
      table: NETWORK_POLICY_TABLE,
      pod: `${namespace}/${name}`,
      chains: listed.chains,
      at: now(),
    };
    res.json(body);
  });
  return r;
}
