import { describe, expect, it } from 'vitest';
import { formatLessonError, parseLesson } from './parseLesson.ts';

const WEB = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
`;

const GOOD = `id: demo
title: A demo
summary: Two steps.
steps:
  - title: Apply the Service
    markdown: intro.md
    files: [web.yaml]
    checks:
      - title: Two ready endpoints
        endpoints: { service: web, min: 2 }
      - id: traffic
        title: Five connections to each pod
        connections:
          service: web
          outcome: ok
          frontend: [NodePort, LoadBalancer]
          within: 60
          eachPod: 5
  - title: Read on
    text: Nothing to do here.
`;

function parse(lessonYaml: string, files: Record<string, string> = {}) {
  return parseLesson({
    dir: 'demo',
    files: { 'lesson.yaml': lessonYaml, 'intro.md': '# Intro\n', 'web.yaml': WEB, ...files },
  });
}

/** `file:line: message` of each problem. */
function problems(lessonYaml: string, files: Record<string, string> = {}): string[] {
  const { lesson, errors } = parse(lessonYaml, files);
  expect(lesson).toBeUndefined();
  return errors.map((e) => `${e.file}:${e.line}: ${e.message}`);
}

/** GOOD with its first check replaced by `check` (indented as a list item of checks). */
function withCheck(check: string): string {
  const start = GOOD.indexOf('      - title: Two ready endpoints');
  const end = GOOD.indexOf('      - id: traffic');
  return GOOD.slice(0, start) + check + GOOD.slice(end);
}

describe('parseLesson: a good lesson', () => {
  it('reads every field, the files it names, and defaults check ids', () => {
    const { lesson, errors } = parse(GOOD);
    expect(errors).toEqual([]);
    expect(lesson).toEqual({
      id: 'demo',
      title: 'A demo',
      summary: 'Two steps.',
      steps: [
        {
          title: 'Apply the Service',
          markdown: '# Intro\n',
          files: [{ name: 'web.yaml', text: WEB }],
          checks: [
            {
              id: 'step1-1',
              title: 'Two ready endpoints',
              endpoints: { service: 'web', min: 2 },
            },
            {
              id: 'traffic',
              title: 'Five connections to each pod',
              connections: {
                service: 'web',
                outcome: ['ok'],
                frontend: ['NodePort', 'LoadBalancer'],
                within: 60,
                eachPod: 5,
              },
            },
          ],
        },
        { title: 'Read on', markdown: 'Nothing to do here.', files: [], checks: [] },
      ],
    });
  });

  it('reads object and objects checks with fields, a selector and ready', () => {
    const { lesson, errors } = parse(
      withCheck(`      - title: NodePort
        object:
          kind: Service
          name: web
          fields:
            spec.type: NodePort
            spec.ports[0].nodePort: 30380
            metadata.annotations["l4lab.dev/proxy-mode"]: { matches: '^ipvs:' }
            status.loadBalancer.ingress[0].ip: { exists: true }
      - title: Pods
        objects: { kind: Pod, selector: { app: web }, ready: true, count: 3 }
`),
    );
    expect(errors).toEqual([]);
    expect(lesson!.steps[0]!.checks.slice(0, 2)).toEqual([
      {
        id: 'step1-1',
        title: 'NodePort',
        object: {
          kind: 'Service',
          name: 'web',
          fields: {
            'spec.type': 'NodePort',
            'spec.ports[0].nodePort': 30380,
            'metadata.annotations["l4lab.dev/proxy-mode"]': { matches: '^ipvs:' },
            'status.loadBalancer.ingress[0].ip': { exists: true },
          },
        },
      },
      {
        id: 'step1-2',
        title: 'Pods',
        objects: { kind: 'Pod', selector: { app: 'web' }, ready: true, count: 3 },
      },
    ]);
  });
});

describe('parseLesson: problems, each with its file and line', () => {
  it('no lesson.yaml', () => {
    const { errors } = parseLesson({ dir: 'demo', files: {} });
    expect(errors.map(formatLessonError)).toEqual([
      'demo/lesson.yaml:1:1: Not found: "lesson.yaml"',
    ]);
  });

  it('YAML syntax, without the library repeating the position', () => {
    expect(problems('id: demo\ntitle: [unclosed\n')).toEqual([
      expect.stringMatching(/^demo\/lesson\.yaml:3: Flow sequence in block collection must .*]$/),
    ]);
  });

  it('a key given twice', () => {
    expect(problems(`${GOOD}title: again\n`)).toEqual([
      'demo/lesson.yaml:21: Map keys must be unique',
    ]);
  });

  it('required fields, an unknown field and an id that is not a DNS label', () => {
    const text = `id: Demo_1
colour: blue
steps:
  - markdown: intro.md
`;
    expect(problems(text)).toEqual([
      'demo/lesson.yaml:2: unknown field "colour"',
      expect.stringMatching(
        /^demo\/lesson\.yaml:1: id: Invalid value: "Demo_1": a lowercase RFC 1123 label must consist of/,
      ),
      'demo/lesson.yaml:1: title: Required value',
      'demo/lesson.yaml:1: summary: Required value',
      'demo/lesson.yaml:4: steps[0].title: Required value',
    ]);
  });

  it('a lesson without steps', () => {
    expect(problems('id: demo\ntitle: T\nsummary: S\nsteps: []\n')).toEqual([
      'demo/lesson.yaml:4: steps: Required value: a lesson has at least one step',
    ]);
  });

  it('a markdown file that is not in the folder, and a step with both markdown and text', () => {
    const text = GOOD.replace('markdown: intro.md', 'markdown: missing.md').replace(
      '    text: Nothing to do here.',
      '    text: Nothing to do here.\n    markdown: intro.md',
    );
    expect(problems(text)).toEqual([
      'demo/lesson.yaml:6: steps[0].markdown: Not found: "missing.md"',
      'demo/lesson.yaml:20: steps[1].text: Invalid value: "markdown, text": a step has markdown or text, not both',
    ]);
  });

  it('a step with neither markdown nor text', () => {
    expect(problems(GOOD.replace('    text: Nothing to do here.\n', ''))).toEqual([
      'demo/lesson.yaml:19: steps[1]: Required value: one of markdown (a .md file of the lesson) or text (written here)',
    ]);
  });

  it('an editor file that is not YAML, or not in the folder', () => {
    expect(
      problems(GOOD.replace('files: [web.yaml]', 'files: [web.json, ../web.yaml, db.yaml]')),
    ).toEqual([
      'demo/lesson.yaml:7: steps[0].files[0]: Invalid value: "web.json": must be a file of the lesson folder ending in .yaml or .yml',
      'demo/lesson.yaml:7: steps[0].files[1]: Invalid value: "../web.yaml": must be a file of the lesson folder ending in .yaml or .yml',
      'demo/lesson.yaml:7: steps[0].files[2]: Not found: "db.yaml"',
    ]);
  });

  it("a manifest the API server would refuse, at its own file's line", () => {
    const broken = WEB.replace('    - port: 80', '    - port: 80\n      protocol: SCTPX');
    expect(problems(GOOD, { 'web.yaml': broken })).toEqual([
      expect.stringMatching(
        /^demo\/web\.yaml:10: .*spec\.ports\[0\]\.protocol: Unsupported value: "SCTPX"/,
      ),
    ]);
  });
});

describe('parseLesson: problems in checks', () => {
  const cases: [string, string, string[]][] = [
    [
      'no form',
      '      - title: Nothing\n',
      [
        'demo/lesson.yaml:9: steps[0].checks[0]: Required value: a check has one of object, objects, endpoints, connections',
      ],
    ],
    [
      'two forms',
      '      - title: Two\n        endpoints: { service: web, min: 1 }\n        object: { kind: Service, name: web }\n',
      [
        'demo/lesson.yaml:9: steps[0].checks[0]: Invalid value: "object, endpoints": a check has exactly one of object, objects, endpoints, connections',
      ],
    ],
    [
      'a kind the lab does not serve, a check without a title',
      '      - object: { kind: Ingress, name: web }\n',
      [
        'demo/lesson.yaml:9: steps[0].checks[0].title: Required value',
        'demo/lesson.yaml:9: steps[0].checks[0].object.kind: Unsupported value: "Ingress": supported values: "Pod", "Deployment", "ReplicaSet", "StatefulSet", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap", "Service", "EndpointSlice", "Endpoints", "Namespace", "Node"',
      ],
    ],
    [
      'an outcome that does not exist, in a list',
      '      - title: T\n        connections:\n          outcome: [ok, okay]\n          min: 1\n',
      [
        'demo/lesson.yaml:11: steps[0].checks[0].connections.outcome[1]: Unsupported value: "okay": supported values: "open", "ok", "refused", "dropped", "reset", "timeout"',
      ],
    ],
    [
      'a frontend kind and a client filter that do not exist',
      '      - title: T\n        connections: { frontend: Ingress, from: laptop, min: 1 }\n',
      [
        'demo/lesson.yaml:10: steps[0].checks[0].connections.frontend: Unsupported value: "Ingress": supported values: "ClusterIP", "NodePort", "LoadBalancer", "ExternalIP"',
        'demo/lesson.yaml:10: steps[0].checks[0].connections.from: Unsupported value: "laptop": supported values: "any", "pod", "outside"',
      ],
    ],
    [
      'connections with nothing to hold',
      '      - title: T\n        connections:\n          service: web\n',
      [
        'demo/lesson.yaml:11: steps[0].checks[0].connections: Required value: what must hold: one of count, min, max, eachPod, pods, balanced, onePodPerClient',
      ],
    ],
    [
      'eachPod and balanced without a Service',
      '      - title: T\n        connections: { eachPod: 5, balanced: 0.2 }\n',
      [
        'demo/lesson.yaml:10: steps[0].checks[0].connections.service: Required value: eachPod counts the ready endpoints of a Service',
        'demo/lesson.yaml:10: steps[0].checks[0].connections.service: Required value: balanced counts the ready endpoints of a Service',
      ],
    ],
    [
      'bounds: none, count with min, min over max, a negative and a fraction',
      [
        '      - title: A',
        '        endpoints: { service: web }',
        '      - title: B',
        '        endpoints: { service: web, count: 2, min: 1 }',
        '      - title: C',
        '        objects: { kind: Pod, min: 3, max: 2 }',
        '      - title: D',
        '        objects: { kind: Pod, min: -1, max: 1.5 }',
        '',
      ].join('\n'),
      [
        'demo/lesson.yaml:10: steps[0].checks[0].endpoints: Required value: how many: one of count, min, max',
        'demo/lesson.yaml:12: steps[0].checks[1].endpoints.count: Invalid value: 2: count may not be given with min or max',
        'demo/lesson.yaml:14: steps[0].checks[2].objects.max: Invalid value: 2: must be greater than or equal to min (3)',
        'demo/lesson.yaml:16: steps[0].checks[3].objects.min: Invalid value: -1: must be greater than or equal to 0',
        'demo/lesson.yaml:16: steps[0].checks[3].objects.max: Invalid value: 1.5: must be a whole number',
      ],
    ],
    [
      'ready on a kind other than Pod, a label value that is not a string',
      '      - title: T\n        objects: { kind: Service, ready: true, selector: { tier: 1 }, min: 1 }\n',
      [
        'demo/lesson.yaml:10: steps[0].checks[0].objects.ready: Invalid value: true: ready applies to kind Pod only',
        'demo/lesson.yaml:10: steps[0].checks[0].objects.selector.tier: Invalid value: 1: a label value must be a string (quote it)',
      ],
    ],
    [
      'a field path that is not one, a regular expression that does not compile',
      [
        '      - title: T',
        '        object:',
        '          kind: Service',
        '          name: web',
        '          fields:',
        '            spec..type: NodePort',
        "            spec.clusterIP: { matches: '(' }",
        '            spec.type: { equals: NodePort }',
        '',
      ].join('\n'),
      [
        'demo/lesson.yaml:14: steps[0].checks[0].object.fields["spec..type"]: Invalid value: "spec..type": not a field path at "..type": write spec.ports[0].nodePort or metadata.labels["app"]',
        expect.stringMatching(
          /^demo\/lesson\.yaml:15: steps\[0\]\.checks\[0\]\.object\.fields\["spec\.clusterIP"\]\.matches: Invalid value: "\(": Invalid regular expression/,
        ) as unknown as string,
        'demo/lesson.yaml:16: unknown field "steps[0].checks[0].object.fields["spec.type"].equals"',
        'demo/lesson.yaml:16: steps[0].checks[0].object.fields["spec.type"]: Required value: a value to equal, or one of matches, exists',
      ],
    ],
    [
      'within that is not a positive number, since that is not "step"',
      '      - title: T\n        connections: { within: 0, since: start, min: 1 }\n',
      [
        'demo/lesson.yaml:10: steps[0].checks[0].connections.within: Invalid value: 0: must be a number of seconds greater than 0',
        'demo/lesson.yaml:10: steps[0].checks[0].connections.since: Unsupported value: "start": supported values: "step"',
      ],
    ],
    [
      'a check id given twice',
      '      - id: traffic\n        title: T\n        endpoints: { service: web, min: 1 }\n',
      ['demo/lesson.yaml:12: steps[0].checks[1].id: Duplicate value: "traffic"'],
    ],
  ];

  it.each(cases)('%s', (_name, check, expected) => {
    expect(problems(withCheck(check))).toEqual(expected);
  });
});
