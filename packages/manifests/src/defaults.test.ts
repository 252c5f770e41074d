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
        ipFamilyPolicy: 'SingleStack',
        ipFamilies: ['IPv4'],
      },
    });
  });

  it('gives every Service with a cluster IP its IP families, as a single-stack IPv4 cluster does', () => {
    const families = (mutate: (s: Service) => void) => {
      const { ipFamilyPolicy, ipFamilies } = applyDefaults(makeService(mutate)).spec;
      return [ipFamilyPolicy, ipFamilies];
    };
    expect(families((s) => (s.spec.type = 'NodePort'))).toEqual(['SingleStack', ['IPv4']]);
    expect(families((s) => (s.spec.clusterIP = '127.96.0.50'))).toEqual(['SingleStack', ['IPv4']]);
    expect(families((s) => (s.spec.clusterIP = 'None'))).toEqual(['SingleStack', ['IPv4']]);
    expect(families((s) => (s.spec.ipFamilyPolicy = 'PreferDualStack'))).toEqual([
      'PreferDualStack',
      ['IPv4'],
    ]);
    // Headless without a selector: the registry's one dual-stack exception.
    const selectorless = (s: Service) => {
      s.spec.clusterIP = 'None';
      delete s.spec.selector;
    };
    expect(families(selectorless)).toEqual(['RequireDualStack', ['IPv4', 'IPv6']]);
    expect(
      families((s) => {
        selectorless(s);
        s.spec.ipFamilyPolicy = 'SingleStack';
      }),
    ).toEqual(['SingleStack', ['IPv4']]);
    // What the cluster does not have is kept as asked, for validation to refuse.
    expect(families((s) => (s.spec.ipFamilies = ['IPv6']))).toEqual(['SingleStack', ['IPv6']]);
    expect(families((s) => (s.spec.clusterIP = 'fd00::10'))).toEqual(['SingleStack', undefined]);
    const name = applyDefaults(
      makeService((s) => {
        s.spec.type = 'ExternalName';
        s.spec.externalName = 'example.com';
      }),
    );
    expect([name.spec.ipFamilyPolicy, name.spec.ipFamilies]).toEqual([undefined, undefined]);
  });

  it('allocates node ports of a LoadBalancer unless told not to', () => {
    const lb = applyDefaults(makeService((s) => (s.spec.type = 'LoadBalancer')));
    expect(lb.spec.allocateLoadBalancerNodePorts).toBe(true);
    expect(applyDefaults(makeService()).spec.allocateLoadBalancerNodePorts).toBeUndefined();
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

  it('defaults a Deployment and its pod template as kubectl get -o yaml shows them', () => {
    const d = applyDefaults(makeDeployment());
    expect(d.metadata.namespace).toBe('default');
    expect(d.spec).toEqual({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'web' } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx',
              imagePullPolicy: 'Always',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    });
  });

  it('keeps what the user set instead of the defaults', () => {
    const input = makeDeployment('nginx:1.27');
    Object.assign(input.spec, { revisionHistoryLimit: 0, progressDeadlineSeconds: 30 });
    Object.assign(input.spec.template.spec, {
      terminationGracePeriodSeconds: 0,
      dnsPolicy: 'Default',
      schedulerName: 'my-scheduler',
      securityContext: { runAsUser: 1000 },
    });
    const d = applyDefaults(input);
    expect(d.spec).toMatchObject({ revisionHistoryLimit: 0, progressDeadlineSeconds: 30 });
    expect(d.spec.template.spec).toMatchObject({
      terminationGracePeriodSeconds: 0,
      dnsPolicy: 'Default',
      schedulerName: 'my-scheduler',
      securityContext: { runAsUser: 1000 },
    });
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

  it('defaults a Pod like a template, plus what only a Pod gets', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        hostNetwork: true,
        containers: [
          {
            name: 'c',
            image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
            ports: [{ containerPort: 8080 }],
            resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } },
            readinessProbe: { httpGet: { port: 8080 } },
            livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
            lifecycle: { preStop: { httpGet: { port: 8080, path: '/stop' } } },
            env: [
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
            ],
          },
        ],
        volumes: [
          { name: 'scratch' },
          { name: 'config', configMap: { name: 'app' } },
          { name: 'data', hostPath: { path: '/data' } },
          {
            name: 'token',
            projected: { sources: [{ serviceAccountToken: { path: 'token' } }] },
          },
        ],
      },
    } as unknown as Pod;
    const spec = applyDefaults(pod).spec as unknown as Record<string, unknown>;
    expect(spec).toMatchObject({
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      enableServiceLinks: true,
    });
    expect((spec.containers as unknown[])[0]).toEqual({
      name: 'c',
      image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [{ containerPort: 8080, hostPort: 8080, protocol: 'TCP' }],
      resources: {
        limits: { cpu: '500m', memory: '64Mi' },
        requests: { cpu: '250m', memory: '64Mi' },
      },
      readinessProbe: {
        httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
      },
      livenessProbe: {
        tcpSocket: { port: 8080 },
        timeoutSeconds: 1,
        periodSeconds: 5,
        successThreshold: 1,
        failureThreshold: 3,
      },
      lifecycle: { preStop: { httpGet: { port: 8080, path: '/stop', scheme: 'HTTP' } } },
      env: [
        {
          name: 'NODE',
          valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } },
        },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } },
      ],
    });
    expect(spec.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'config', configMap: { name: 'app', defaultMode: 420 } },
      { name: 'data', hostPath: { path: '/data', type: '' } },
      {
        name: 'token',
        projected: {
          defaultMode: 420,
          sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }],
        },
      },
    ]);
  });

  it('leaves what only a Pod gets out of a Deployment template', () => {
    const input = makeDeployment();
    const c = input.spec.template.spec.containers[0]!;
    Object.assign(c, { resources: { limits: { cpu: '1' } } });
    const d = applyDefaults(input);
    const spec = d.spec.template.spec as unknown as Record<string, unknown>;
    expect(spec.enableServiceLinks).toBeUndefined();
    expect((spec.containers as Record<string, unknown>[])[0]?.resources).toEqual({
      limits: { cpu: '1' },
    });
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
    expect(applyDefaults(ns).metadata).toEqual({
      name: 'x',
      labels: { 'kubernetes.io/metadata.name': 'x' },
    });
  });

  it('labels a Namespace with its name, whatever the user wrote there (SetDefaults_Namespace)', () => {
    const ns: Namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'development',
        labels: { name: 'development', 'kubernetes.io/metadata.name': 'x' },
      },
    };
    expect(applyDefaults(ns).metadata.labels).toEqual({
      name: 'development',
      'kubernetes.io/metadata.name': 'development',
    });
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
