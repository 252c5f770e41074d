// The API validation messages users hit most (reference/kubernetes-services.md), exactly as kubectl
// prints them: `The <Kind> "<name>" is invalid: <path>: <Type>: <value>: <detail>`. The messages that
// need the cluster's state (already allocated, immutable fields) are checked in packages/cluster.
import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';

const service = (spec: string, name = 'web') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

const deployment = (spec: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n${spec}` +
  `  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: nginx, image: nginx}]\n`;

const SELECTOR = '  selector: {app: web}\n';
const PORT_80 = '  ports:\n    - port: 80\n';
const svcInvalid = (err: string, name = 'web') => `The Service "${name}" is invalid: ${err}`;
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " +
  "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', " +
  "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

interface Row {
  name: string;
  text: string;
  /** [path, message] per error, in order. */
  errors: [string, string][];
}

const ROWS: Row[] = [
  {
    name: 'nodePort out of range',
    text: service(`  type: NodePort\n${SELECTOR}  ports:\n    - port: 80\n      nodePort: 80\n`),
    errors: [
      [
        'spec.ports[0].nodePort',
        svcInvalid(
          'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
        ),
      ],
    ],
  },
  {
    name: 'duplicate nodePort',
    text: service(
      `  type: NodePort\n${SELECTOR}  ports:\n    - {name: a, port: 80, nodePort: 30080}\n    - {name: b, port: 81, nodePort: 30080}\n`,
    ),
    errors: [
      ['spec.ports[1].nodePort', svcInvalid('spec.ports[1].nodePort: Duplicate value: 30080')],
    ],
  },
  {
    name: 'nodePort on a ClusterIP Service',
    text: service(`${SELECTOR}  ports:\n    - port: 80\n      nodePort: 30080\n`),
    errors: [
      [
        'spec.ports[0].nodePort',
        svcInvalid("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
      ],
    ],
  },
  {
    name: 'no ports',
    text: service(SELECTOR),
    errors: [['spec.ports', svcInvalid('spec.ports: Required value')]],
  },
  {
    name: 'second port without a name',
    text: service(`${SELECTOR}  ports:\n    - {name: http, port: 80}\n    - {port: 81}\n`),
    errors: [['spec.ports[1].name', svcInvalid('spec.ports[1].name: Required value')]],
  },
  {
    name: 'protocol HTTP',
    text: service(`${SELECTOR}  ports:\n    - {port: 80, protocol: HTTP}\n`),
    errors: [
      [
        'spec.ports[0].protocol',
        svcInvalid(
          'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
        ),
      ],
    ],
  },
  {
    name: 'port 0 (targetPort defaults to it)',
    text: service(`${SELECTOR}  ports:\n    - {port: 0}\n`),
    errors: [
      [
        'spec.ports[0].port',
        svcInvalid('spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'),
      ],
      [
        'spec.ports[0].targetPort',
        svcInvalid(
          'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
        ),
      ],
    ],
  },
  {
    name: 'targetPort 70000',
    text: service(`${SELECTOR}  ports:\n    - {port: 80, targetPort: 70000}\n`),
    errors: [
      [
        'spec.ports[0].targetPort',
        svcInvalid(
          'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        ),
      ],
    ],
  },
  ...[0, 86401].map((t): Row => ({
    name: `ClientIP timeoutSeconds ${t}`,
    text: service(
      `${SELECTOR}  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: ${t}}}\n${PORT_80}`,
    ),
    errors: [
      [
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
        svcInvalid(
          `spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: ${t}: must be greater than 0 and less than 86400`,
        ),
      ],
    ],
  })),
  {
    name: 'clusterIP None on a NodePort Service',
    text: service(`  type: NodePort\n  clusterIP: None\n${SELECTOR}${PORT_80}`),
    errors: [
      [
        'spec.clusterIPs[0]',
        svcInvalid(
          `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
        ),
      ],
    ],
  },
  {
    name: 'ExternalName without externalName',
    text: service('  type: ExternalName\n'),
    errors: [['spec.externalName', svcInvalid('spec.externalName: Required value')]],
  },
  {
    name: 'externalTrafficPolicy on a ClusterIP Service',
    text: service(`  externalTrafficPolicy: Local\n${SELECTOR}${PORT_80}`),
    errors: [
      [
        'spec.externalTrafficPolicy',
        svcInvalid(
          'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
        ),
      ],
    ],
  },
  {
    name: 'Service name that is not a DNS-1035 label',
    text: service(`${SELECTOR}${PORT_80}`, '1web'),
    errors: [
      ['metadata.name', svcInvalid(`metadata.name: Invalid value: "1web": ${DNS1035}`, '1web')],
    ],
  },
  {
    name: 'Deployment without selector',
    text: deployment('  replicas: 1\n'),
    errors: [
      ['spec.selector', 'The Deployment "web" is invalid: spec.selector: Required value'],
      [
        'spec.template.metadata.labels',
        'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      ],
    ],
  },
  {
    name: 'Deployment selector not matching the template labels',
    text: deployment('  selector: {matchLabels: {app: api}}\n'),
    errors: [
      [
        'spec.template.metadata.labels',
        'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      ],
    ],
  },
  {
    name: 'Pod topology spread constraints: skew, key, action, minDomains, duplicates',
    text:
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: spread\nspec:\n  containers: [{name: c, image: nginx}]\n' +
      '  topologySpreadConstraints:\n' +
      '  - {maxSkew: 0, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}\n' +
      '  - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}\n' +
      '  - {maxSkew: 1, whenUnsatisfiable: Maybe, minDomains: 2}\n',
    errors: [
      [
        'spec.topologySpreadConstraints[0].maxSkew',
        'The Pod "spread" is invalid: spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
      ],
      [
        'spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}',
        'The Pod "spread" is invalid: spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{topology.kubernetes.io/zone, DoNotSchedule}"',
      ],
      [
        'spec.topologySpreadConstraints[2].topologyKey',
        'The Pod "spread" is invalid: spec.topologySpreadConstraints[2].topologyKey: Required value: can not be empty',
      ],
      [
        'spec.topologySpreadConstraints[2].whenUnsatisfiable',
        'The Pod "spread" is invalid: spec.topologySpreadConstraints[2].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
      ],
      [
        'spec.topologySpreadConstraints[2].minDomains',
        'The Pod "spread" is invalid: spec.topologySpreadConstraints[2].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not Maybe',
      ],
    ],
  },
];

describe("Kubernetes' validation messages (stateless, through checkManifests)", () => {
  it.each(ROWS)('$name', ({ text, errors }) => {
    const result = checkManifests(text);
    expect(result.errors.map((e) => [e.path, e.message])).toEqual(errors);
    for (const e of result.errors) {
      expect(e.line).toBeGreaterThan(1);
      expect(e.code).toBe('L4_E_INVALID');
    }
  });
});
