import type { Container, Pod } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { podQOSClass } from './podQOS.ts';

const pod = (...containers: Partial<Container>[]): Pick<Pod, 'spec'> => ({
  spec: { containers: containers.map((c, i) => ({ name: `c${i}`, image: 'nginx', ...c })) },
});

// The docs' QoS task (pods/qos): what kubectl get pod -o yaml shows as status.qosClass.
describe('podQOSClass (ComputePodQOS)', () => {
  it('BestEffort without cpu or memory requests and limits (other resources do not count)', () => {
    expect(podQOSClass(pod({}))).toBe('BestEffort');
    expect(podQOSClass(pod({ resources: { limits: { 'nvidia.com/gpu': '1' } } }))).toBe(
      'BestEffort',
    );
  });

  it('Guaranteed when every container limits cpu and memory and requests equal them', () => {
    const full = {
      limits: { cpu: '700m', memory: '200Mi' },
      requests: { cpu: '0.7', memory: '200Mi' },
    };
    expect(podQOSClass(pod({ resources: full }))).toBe('Guaranteed');
    expect(podQOSClass(pod({ resources: full }, { resources: full }))).toBe('Guaranteed');
  });

  it('takes a limit without a request as the request too (a template before defaulting)', () => {
    expect(podQOSClass(pod({ resources: { limits: { cpu: '1', memory: '1Gi' } } }))).toBe(
      'Guaranteed',
    );
  });

  it('Burstable otherwise: a request below its limit, a container without limits', () => {
    // pods/resource/cpu-request-limit.yaml: cpu 500m of 1.
    expect(
      podQOSClass(pod({ resources: { requests: { cpu: '500m' }, limits: { cpu: '1' } } })),
    ).toBe('Burstable');
    const full = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } };
    expect(podQOSClass(pod({ resources: full }, {}))).toBe('Burstable');
    expect(podQOSClass(pod({ resources: { requests: { memory: '200Mi' } } }))).toBe('Burstable');
  });

  it('counts init containers', () => {
    const p = pod({});
    p.spec.initContainers = [
      { name: 'init', image: 'busybox', resources: { requests: { cpu: '100m' } } },
    ];
    expect(podQOSClass(p)).toBe('Burstable');
  });
});
