import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { context, makePod, makeService, makeSlice, NS } from './testBuilders.ts';
import type { Check } from './types.ts';

const meta = { id: 'c', title: 't' };

describe('object', () => {
  const nodePort: Check = {
    ...meta,
    object: {
      kind: 'Service',
      name: 'web',
      fields: { 'spec.type': 'NodePort', 'spec.ports[0].nodePort': 30380 },
    },
  };

  it('passes when the object has every field, and says which', () => {
    const svc = makeService('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30380 }] });
    expect(evaluate(nodePort, context([svc]))).toEqual({
      passed: true,
      detail: 'Service web has spec.type NodePort and spec.ports[0].nodePort 30380',
    });
  });

  it('fails on the first field that differs, naming what it is and what is wanted', () => {
    expect(evaluate(nodePort, context([makeService('web')]))).toEqual({
      passed: false,
      detail: 'Service web has spec.type ClusterIP, want NodePort',
    });
  });

  it('fails when the object is not there, or only in another namespace', () => {
    const elsewhere = makeService('web', { type: 'NodePort' }, 'student-2');
    expect(evaluate(nodePort, context([elsewhere]))).toEqual({
      passed: false,
      detail: `Service web not found in namespace ${NS}`,
    });
  });

  it('reads another namespace when the check names it', () => {
    const check: Check = {
      ...meta,
      object: { kind: 'Service', name: 'web', namespace: 'nginx-ns' },
    };
    const svc = makeService('web', {}, 'nginx-ns');
    expect(evaluate(check, context([svc]))).toEqual({ passed: true, detail: 'Service web exists' });
  });

  it('exists: a LoadBalancer without an ingress IP yet fails, with one passes', () => {
    const check: Check = {
      ...meta,
      object: {
        kind: 'Service',
        name: 'lb',
        fields: { 'status.loadBalancer.ingress[0].ip': { exists: true } },
      },
    };
    const pending = makeService('lb', { type: 'LoadBalancer' });
    expect(evaluate(check, context([pending]))).toEqual({
      passed: false,
      detail: 'Service lb has no status.loadBalancer.ingress[0].ip yet',
    });
    const ready = { ...pending, status: { loadBalancer: { ingress: [{ ip: '127.200.0.1' }] } } };
    expect(evaluate(check, context([ready]))).toEqual({
      passed: true,
      detail: 'Service lb has status.loadBalancer.ingress[0].ip 127.200.0.1',
    });
  });

  it('exists: false fails while the field is there', () => {
    const check: Check = {
      ...meta,
      object: { kind: 'Service', name: 'web', fields: { 'spec.clusterIP': { exists: false } } },
    };
    expect(evaluate(check, context([makeService('web')]))).toEqual({
      passed: false,
      detail: 'Service web has spec.clusterIP 127.96.0.12, want none',
    });
  });

  it('matches: a regular expression over the value, and a bracketed key with dots', () => {
    const check: Check = {
      ...meta,
      object: {
        kind: 'Service',
        name: 'web',
        fields: { 'metadata.annotations["l4lab.dev/proxy-mode"]': { matches: '^ipvs:' } },
      },
    };
    const svc = makeService('web');
    svc.metadata.annotations = { 'l4lab.dev/proxy-mode': 'maglev' };
    expect(evaluate(check, context([svc]))).toEqual({
      passed: false,
      detail:
        'Service web has metadata.annotations["l4lab.dev/proxy-mode"] maglev, want one matching ^ipvs:',
    });
    svc.metadata.annotations = { 'l4lab.dev/proxy-mode': 'ipvs:rr' };
    expect(evaluate(check, context([svc])).passed).toBe(true);
  });

  it('shows a map or list value as short JSON', () => {
    const check: Check = {
      ...meta,
      object: { kind: 'Service', name: 'web', fields: { 'spec.ports': 'none' } },
    };
    expect(evaluate(check, context([makeService('web')])).detail).toBe(
      'Service web has spec.ports [{"port":80}], want none',
    );
  });
});

describe('objects', () => {
  const readyPods: Check = {
    ...meta,
    objects: { kind: 'Pod', selector: { run: 'my-nginx' }, ready: true, min: 3 },
  };
  const pods = [
    makePod('my-nginx-a', { run: 'my-nginx' }),
    makePod('my-nginx-b', { run: 'my-nginx' }),
    makePod('my-nginx-c', { run: 'my-nginx' }, false),
    makePod('other', { run: 'other' }),
  ];

  it('fails with how many of the selected pods are Ready, and what is wanted', () => {
    expect(evaluate(readyPods, context(pods))).toEqual({
      passed: false,
      detail: '2 of 3 Pods with run=my-nginx are Ready, want at least 3',
    });
  });

  it('passes once enough are Ready', () => {
    const all = [...pods.slice(0, 2), makePod('my-nginx-c', { run: 'my-nginx' })];
    expect(evaluate(readyPods, context(all))).toEqual({
      passed: true,
      detail: '3 of 3 Pods with run=my-nginx are Ready',
    });
  });

  it('ready: false counts the pods that are not Ready', () => {
    const check: Check = {
      ...meta,
      objects: { kind: 'Pod', selector: { run: 'my-nginx' }, ready: false, max: 0 },
    };
    expect(evaluate(check, context(pods))).toEqual({
      passed: false,
      detail: '1 of 3 Pods with run=my-nginx is not Ready, want at most 0',
    });
  });

  it('counts by fields too, without ready', () => {
    const check: Check = {
      ...meta,
      objects: { kind: 'Service', fields: { 'spec.type': 'NodePort' }, count: 1 },
    };
    const objects = [makeService('a', { type: 'NodePort' }), makeService('b')];
    expect(evaluate(check, context(objects))).toEqual({
      passed: true,
      detail: '1 Service with spec.type=NodePort',
    });
    expect(evaluate(check, context([]))).toEqual({
      passed: false,
      detail: '0 Services with spec.type=NodePort, want exactly 1',
    });
  });
});

describe('endpoints', () => {
  const three: Check = { ...meta, endpoints: { service: 'web', min: 3 } };

  it('fails with ready of all, when one endpoint is not ready', () => {
    const slice = makeSlice('web', [
      ['web-a', true],
      ['web-b', true],
      ['web-c', false],
    ]);
    expect(evaluate(three, context([makeService('web'), slice]))).toEqual({
      passed: false,
      detail: '2 of 3 endpoints of Service web are ready, want at least 3',
    });
  });

  it('passes over several slices, each address once', () => {
    const a = makeSlice(
      'web',
      [
        ['web-a', true],
        ['web-b', true],
      ],
      NS,
      'web-1',
    );
    const b = makeSlice(
      'web',
      [
        ['web-a', true],
        ['web-b', true],
        ['web-c', true],
      ],
      NS,
      'web-2',
    );
    const other = makeSlice('other', [['x', true]], NS, 'other-1');
    expect(evaluate(three, context([makeService('web'), a, b, other]))).toEqual({
      passed: true,
      detail: '3 of 3 endpoints of Service web are ready',
    });
  });

  it('says so when the Service has no endpoints, and when it is not there', () => {
    expect(evaluate(three, context([makeService('web')]))).toEqual({
      passed: false,
      detail: 'Service web has no endpoints, want at least 3',
    });
    expect(evaluate(three, context([]))).toEqual({
      passed: false,
      detail: `Service web not found in namespace ${NS}`,
    });
  });

  it('max: 0 passes for a Service whose selector matches nothing', () => {
    const check: Check = { ...meta, endpoints: { service: 'shop', max: 0 } };
    expect(evaluate(check, context([makeService('shop'), makeSlice('shop', [])]))).toEqual({
      passed: true,
      detail: 'Service shop has no endpoints',
    });
  });
});
