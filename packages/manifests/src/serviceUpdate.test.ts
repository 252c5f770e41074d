import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';
import { dropTypeDependentFields } from './serviceUpdate.ts';

// Test addresses: service CIDR 10.96.0.0/12.

/** A stored Service as the registry leaves it (defaulted, allocated). */
function stored(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { app: 'web' },
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ...spec,
    },
  };
}

/** `kubectl patch` of the stored object: the patch merged over it. */
function patched(old: Record<string, unknown>, spec: Record<string, unknown>) {
  return { ...old, spec: { ...(old.spec as object), ...spec } };
}

const errorsOf = (o: Record<string, unknown>) =>
  checkManifests(JSON.stringify(o)).errors.map((e) => e.message);

describe('dropTypeDependentFields: an update that changes the type', () => {
  const lb = stored({
    type: 'LoadBalancer',
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 31000 }],
    externalTrafficPolicy: 'Local',
    healthCheckNodePort: 32000,
    allocateLoadBalancerNodePorts: true,
  });

  it('LoadBalancer -> ClusterIP drops node ports, health check port, allocate flag and policy', () => {
    const next = dropTypeDependentFields(patched(lb, { type: 'ClusterIP' }), lb);
    expect(next.spec).toEqual({
      selector: { app: 'web' },
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      type: 'ClusterIP',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    expect(errorsOf(next)).toEqual([]);
    // Without the drop the same update is refused.
    expect(errorsOf(patched(lb, { type: 'ClusterIP' }))).not.toEqual([]);
  });

  it('ClusterIP -> ExternalName drops the cluster IPs and families', () => {
    const old = stored({ type: 'ClusterIP', ports: [{ port: 80 }] });
    const next = dropTypeDependentFields(
      patched(old, { type: 'ExternalName', externalName: 'example.com' }),
      old,
    );
    expect(next.spec).not.toHaveProperty('clusterIP');
    expect(next.spec).not.toHaveProperty('ipFamilies');
    expect(next.spec).not.toHaveProperty('ipFamilyPolicy');
    expect(errorsOf(next)).toEqual([]);
  });

  it('keeps what the user changed too, for validation to judge', () => {
    const next = dropTypeDependentFields(
      patched(lb, {
        type: 'ClusterIP',
        externalTrafficPolicy: 'Cluster',
        ports: [{ port: 80, nodePort: 31001 }],
      }),
      lb,
    );
    expect(next.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, nodePort: 31001 }],
    });
  });

  it('leaves an update of the same type, and other kinds, as they are', () => {
    const same = patched(lb, { sessionAffinity: 'ClientIP' });
    expect(dropTypeDependentFields(same, lb)).toEqual(same);
    const pod = { kind: 'Pod', spec: {} };
    expect(dropTypeDependentFields(pod, pod)).toBe(pod);
  });
});
