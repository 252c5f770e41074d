import { writeFile } from 'node:fs/promises';
import { assertLabNamespace } from './identity.ts';
import { requireTool, run } from './tools.ts';

/**
 * Run once inside a new namespace, before the lab binds anything: loopback up (then all of
 * 127.0.0.0/8 is local, so the lab keeps its address plan: node, pod, Service and LB addresses),
 * and conntrack accounting on, so DESTROY events carry bytes. Returns warnings (what could not
 * be set, and what that costs); throws if loopback cannot come up.
 */
export async function prepareNamespace(): Promise<string[]> {
  assertLabNamespace('ip link set lo up');
  const lo = await run(requireTool('ip'), ['link', 'set', 'lo', 'up']);
  if (lo.code !== 0) throw new Error(`ip link set lo up: ${lo.stderr.trim() || `exit ${lo.code}`}`);
  const warnings: string[] = [];
  try {
    await writeFile('/proc/sys/net/netfilter/nf_conntrack_acct', '1');
  } catch (err) {
    warnings.push(
      `cannot turn on net.netfilter.nf_conntrack_acct in the lab's namespace ` +
        `(${(err as Error).message}): connection events will show no byte counts`,
    );
  }
  return warnings;
}
