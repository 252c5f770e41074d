import { describe, expect, it } from 'vitest';
import { modeName, parseNodeProxyMode } from './nodeProxyMode.ts';

describe('parseNodeProxyMode', () => {
  it.each([
    ['iptables', '', 'iptables'],
    ['nftables\n', '', 'nftables'],
    ['ipvs', '', 'ipvs:rr'],
    ['ipvs', 'lc', 'ipvs:lc'],
    ['IPVS', ' SH ', 'ipvs:sh'],
    ['kernelspace', '', 'unknown'],
    ['', '', 'unknown'],
  ])('/proxyMode %j with scheduler %j is %s', (mode, scheduler, name) => {
    expect(modeName(parseNodeProxyMode(mode, scheduler))).toBe(name);
  });
});
