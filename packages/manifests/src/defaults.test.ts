import type { Deployment, Namespace, Pod, Service } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { applyDefaults, imageTag } from './defaults.ts';

function makeService(mutate: (s: Service) => void = () => {}): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  };
  mutate(s);
  return s;
}

function makeDeployment(image = 'nginx'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

describe('applyDefaults', () => {
  it('defaults a Service like the API server', () => {
    expect(applyDefaults(makeService())).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'web' },
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
      },
    });
  });

  it('adds externalTrafficPolicy for NodePort and LoadBalancer only', () => {
    for (const type of ['NodePort', 'LoadBalancer'] as const) {
      const s = applyDefaults(makeService((s) => (s.spec.type = type)));
      expect(s.spec.externalTrafficPolicy).toBe('Cluster');
    }
    const external = applyDefaults(makeService((s) => (s.spec.externalIPs = ['192.0.2.10'])));
    expect(external.spec.externalTrafficPolicy).toBe('Cluster');
    const name = applyDefaults(
      makeService((s) => {
        s.spec.type = 'ExternalName';
        s.spec.externalName = 'example.com';
      }),
    );
    expect(name.spec.externalTrafficPolicy).toBeUndefined();
    expect(name.spec.internalTrafficPolicy).toBeUndefined();
  });

  it('defaults the ClientIP timeout and drops the config for None', () => {
    const clientIP = applyDefaults(makeService((s) => (s.spec.sessionAffinity = 'ClientIP')));
    expect(clientIP.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    const kept = applyDefaults(
      makeService((s) => {
        s.spec.sessionAffinity = 'ClientIP';
        s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 60 } };
      }),
    );
    expect(kept.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 60 } });
  });

  it('keeps a named targetPort and copies clusterIP into clusterIPs', () => {
    const s = applyDefaults(
      makeService((s) => {
        s.spec.ports = [{ port: 80, targetPort: 'http' }];
        s.spec.clusterIP = 'None';
      }),
    );
    expect(s.spec.ports?.[0]?.targetPort).toBe('http');
    expect(s.spec.clusterIPs).toEqual(['None']);
  });

  it('defaults a Deployment', () => {
    const d = applyDefaults(makeDeployment());
    expect(d.metadata.namespace).toBe('default');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
    const podSpec = d.spec.template.spec;
    expect(podSpec.terminationGracePeriodSeconds).toBe(30);
    expect(podSpec.containers[0]?.imagePullPolicy).toBe('Always');
    expect(podSpec.containers[0]?.ports?.[0]?.protocol).toBe('TCP');
  });

  it('picks imagePullPolicy from the tag', () => {
    const policy = (image: string): string | undefined =>
      applyDefaults(makeDeployment(image)).spec.template.spec.containers[0]?.imagePullPolicy;
    expect(policy('nginx:latest')).toBe('Always');
    expect(policy('nginx:1.27')).toBe('IfNotPresent');
    expect(policy('localhost:5000/nginx')).toBe('Always');
    expect(policy('nginx@sha256:abc')).toBe('IfNotPresent');
    expect(imageTag('registry:5000/team/app:v2')).toBe('v2');
  });

  it('leaves a Recreate strategy without rollingUpdate', () => {
    const input = makeDeployment();
    input.spec.strategy = { type: 'Recreate' };
    expect(applyDefaults(input).spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('defaults a Pod and clears the namespace of a Namespace', () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'team' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
    };
    const out = applyDefaults(pod);
    expect(out.metadata.namespace).toBe('team');
    expect(out.spec.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    const ns: Namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'x', namespace: 'y' },
    };
    expect(applyDefaults(ns).metadata).toEqual({ name: 'x' });
  });

  it('does not mutate its input', () => {
    const input = makeService();
    const before = structuredClone(input);
    applyDefaults(input);
    expect(input).toEqual(before);
    const d = makeDeployment();
    const dBefore = structuredClone(d);
    applyDefaults(d);
    expect(d).toEqual(dBefore);
  });
});
