import { describe, expect, it } from 'vitest';
import type { KubeObject, NetworkPolicy } from '@l4lab/protocol';
import { applyDefaults } from './defaults.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';

const np = (spec: Record<string, unknown>) =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-frontend' },
    spec,
  }) as unknown as KubeObject;

const messages = (o: KubeObject) => validateObject(applyDefaults(o)).map(formatFieldError);

describe('NetworkPolicy defaults and validation', () => {
  it('defaults policyTypes from the rules, a port to TCP, the pod selector to {}', () => {
    const d = applyDefaults(np({ ingress: [{ ports: [{ port: 80 }] }] })) as NetworkPolicy;
    expect(d.spec).toEqual({
      podSelector: {},
      ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }],
      policyTypes: ['Ingress'],
    });
    const e = applyDefaults(np({ podSelector: {}, egress: [{}] })) as NetworkPolicy;
    expect(e.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const only = applyDefaults(np({ podSelector: {}, policyTypes: ['Egress'] })) as NetworkPolicy;
    expect(only.spec.policyTypes).toEqual(['Egress']);
  });

  it('takes the documentation examples', () => {
    expect(
      messages(
        np({
          podSelector: { matchLabels: { role: 'db' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            {
              from: [
                { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
                { namespaceSelector: { matchLabels: { project: 'myproject' } } },
                { podSelector: { matchLabels: { role: 'frontend' } } },
              ],
              ports: [{ protocol: 'TCP', port: 6379 }],
            },
          ],
          egress: [
            {
              to: [{ ipBlock: { cidr: '10.0.0.0/24' } }],
              ports: [{ port: 32000, endPort: 32768 }],
            },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('refuses what Kubernetes refuses, in its words', () => {
    expect(
      messages(
        np({
          podSelector: {},
          ingress: [
            {
              from: [
                {},
                { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} },
                { ipBlock: { cidr: '10.0.0.0/33' } },
                { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/8', '11.0.0.0/24'] } },
                { ipBlock: { cidr: '' } },
              ],
              ports: [
                { protocol: 'ICMP', port: 80 },
                { port: 0 },
                { port: 90, endPort: 80 },
                { port: 'http', endPort: 90 },
                { endPort: 90 },
                { port: 'no_underscores' },
              ],
            },
          ],
          policyTypes: ['Ingress', 'Sideways'],
        }),
      ),
    ).toEqual([
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ingress[0].ports[2].endPort: Invalid value: 90: must be greater than or equal to `port`',
      'spec.ingress[0].ports[3].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[4].endPort: Invalid value: 90: may not be specified when `port` is not specified',
      'spec.ingress[0].ports[5].port: Invalid value: "no_underscores": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ingress[0].from[0]: Required value: must specify a peer',
      'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
      'spec.ingress[0].from[2].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.ingress[0].from[3].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      'spec.ingress[0].from[3].ipBlock.except[1]: Invalid value: "11.0.0.0/24": must be a strict subset of `cidr`',
      'spec.ingress[0].from[4].ipBlock.cidr: Required value',
      'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]);
  });

  it('checks IPv6 exceptions too, and prints more than two policyTypes as Go does', () => {
    expect(
      messages(
        np({
          podSelector: {},
          ingress: [
            {
              from: [
                {
                  ipBlock: {
                    cidr: '2001:db8::/64',
                    except: ['2001:db8::/80', '2001:db9::/80', '2001:db8::/32', '10.0.0.0/8'],
                  },
                },
              ],
            },
          ],
          policyTypes: ['Ingress', 'Egress', 'Ingress'],
        }),
      ),
    ).toEqual([
      'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "2001:db9::/80": must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[2]: Invalid value: "2001:db8::/32": must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[3]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      'spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes',
    ]);
  });
});
