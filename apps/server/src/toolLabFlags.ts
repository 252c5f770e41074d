// The lab flags `npm run fuzz` and `npm run soak` take for the lab they start in-process. Without
// them the lab gets random test ranges and a free port (testRanges.ts), like a test.
import type { LabConfig } from './config.ts';

export const TOOL_LAB_OPTIONS = {
  port: { type: 'string' },
  runtime: { type: 'string' },
  'pod-cidr': { type: 'string' },
  'service-cidr': { type: 'string' },
  'node-ip': { type: 'string' },
  'lb-pool': { type: 'string' },
} as const;

export const TOOL_LAB_USAGE = `lab flags (default: random test ranges, a free port):
  --port N  --runtime auto|nginx|docker|builtin
  --pod-cidr CIDR  --service-cidr CIDR  --node-ip IP  --lb-pool CIDR`;

type Values = Partial<Record<keyof typeof TOOL_LAB_OPTIONS, string | boolean | undefined>>;

export function toolLabOverrides(
  values: Values,
  runtime: LabConfig['runtime'],
): Partial<LabConfig> {
  const str = (k: keyof Values) => (typeof values[k] === 'string' ? values[k] : undefined);
  const over: Partial<LabConfig> = { runtime: (str('runtime') as LabConfig['runtime']) ?? runtime };
  const port = str('port');
  if (port !== undefined) over.port = Number(port);
  const map = [
    ['pod-cidr', 'podCIDR'],
    ['service-cidr', 'serviceCIDR'],
    ['node-ip', 'nodeIP'],
    ['lb-pool', 'loadBalancerPool'],
  ] as const;
  for (const [flag, field] of map) {
    const v = str(flag);
    if (v !== undefined) over[field] = v;
  }
  return over;
}
