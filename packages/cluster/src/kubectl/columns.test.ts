// Every `kubectl get` view against the column lists of reference/kubernetes-services.md ("Ranges
// and kubectl columns"), on a FakeClock cluster. Test addresses: the default plan of testBuilders.ts.
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.ts';
import { makeDeployment, makeService, newTestCluster, runKubelet } from '../testBuilders.ts';
import { runKubectl } from './kubectl.ts';
import { formatLabelSelector } from './printers.ts';

/** The reference's columns, word for word. */
const COLUMNS: Record<string, string[]> = {
  'get svc': ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
  'get svc -o wide': ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR'],
  'get pods -o wide': [
    'NAME',
    'READY',
    'STATUS',
    'RESTARTS',
    'AGE',
    'IP',
    'NODE',
    'NOMINATED NODE',
    'READINESS GATES',
  ],
  'get endpoints': ['NAME', 'ENDPOINTS', 'AGE'],
  'get deploy -o wide': [
    'NAME',
    'READY',
    'UP-TO-DATE',
    'AVAILABLE',
    'AGE',
    'CONTAINERS',
    'IMAGES',
    'SELECTOR',
  ],
};

/** seed 01 with 5 replicas, a Service nothing selects, and one whose named port no pod has. */
function lab(): { cluster: Cluster; now: number } {
  const { cluster, clock } = newTestCluster(3);
  const out = cluster.apply([
    makeDeployment('default', 'web', (d) => (d.spec.replicas = 5)),
    makeService('default', 'web'),
    makeService('default', 'orphan', (s) => (s.spec.selector = { run: 'nothing' })),
    makeService('default', 'named', (s) => {
      s.spec.selector = { run: 'web' };
      s.spec.ports = [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }];
    }),
  ]);
  if (!out.ok) throw new Error(out.errors.map((e) => e.message).join('; '));
  runKubelet(cluster);
  clock.advance(7_000);
  return { cluster, now: clock.now() };
}

const cells = (line: string) => line.split(/ {2,}/);

describe('kubectl get: the header of every view is kubectl’s', () => {
  const { cluster, now } = lab();
  it.each(Object.entries(COLUMNS))('%s', (command, columns) => {
    const out = runKubectl(cluster.store, command.split(' '), now);
    expect(out).toMatchObject({ stderr: '', exitCode: 0 });
    const [header, ...rows] = out.stdout.trimEnd().split('\n');
    expect(cells(header!)).toEqual(columns);
    expect(header).toBe(header!.trimEnd());
    expect(rows.length).toBeGreaterThan(0);
    // Every cell of these rows is set, so each row splits into one cell per column.
    for (const row of rows) expect(cells(row)).toHaveLength(columns.length);
  });

  it('get endpoints: 3 ip:port then "+ N more...", <none> without endpoints', () => {
    const out = runKubectl(cluster.store, ['get', 'endpoints'], now);
    const rows = new Map(
      out.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => [cells(line)[0]!, cells(line)[1]!]),
    );
    expect(rows.get('web')).toMatch(
      /^(127\.244\.\d\.\d+:80,){2}127\.244\.\d\.\d+:80 \+ 2 more\.\.\.$/,
    );
    expect(rows.get('orphan')).toBe('<none>');
    // No pod has a containerPort named http: no endpoint for that port.
    expect(rows.get('named')).toBe('<none>');
  });
});

describe('formatLabelSelector', () => {
  it('sorts every requirement by key, as labels.Selector prints them', () => {
    expect(
      formatLabelSelector({
        matchLabels: { tier: 'web' },
        matchExpressions: [
          { key: 'app', operator: 'Exists' },
          { key: 'zone', operator: 'In', values: ['b', 'a'] },
        ],
      }),
    ).toBe('app,tier=web,zone in (a,b)');
    expect(formatLabelSelector({})).toBe('<none>');
  });
});
