// Manifests after the Kubernetes documentation's examples (test-data/docs-corpus, each naming the
// example it follows), applied to one started lab as a workshop participant pastes them. For each
// file the table says what a cluster shows: the objects and their defaults, where the scheduler
// puts the pods (or why it cannot), containers' states and logs, DNS answers, a Service answering
// real TCP connections from the right pods; or Kubernetes' exact refusal. Each case applies into
// its own namespace (files naming one keep theirs). Addresses: random test ranges (testRanges.ts);
// client addresses 127.30.0.1-9 in native mode.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answersOnPodIP,
  availableAfterMinReady,
  bothVersionsAnswer,
  gracefulDeletion,
  mirroredSlice,
  nodePortRefuses,
  onlyTheManualSlice,
  sourceIPPreserved,
  stickyPerClient,
} from './docsCorpusBehaviours.ts';
import { runStep, type Expectation, type Step } from './docsCorpusChecks.ts';
import {
  CORPUS_DIR,
  corpusContext,
  getObject,
  namespaceFor,
  readCorpusFile,
  readyPods,
  type CorpusContext,
} from './docsCorpusHarness.ts';
import { startTestLab, type TestLab } from './testLab.ts';

interface CorpusCase {
  steps: Step[];
  /** The namespace the files name themselves (nothing is injected then). */
  ns?: string;
}

const one = (file: string, expect: Expectation, ns?: string): CorpusCase => ({
  steps: [{ file, expect }],
  ...(ns ? { ns } : {}),
});
const steps = (...s: Step[]): CorpusCase => ({ steps: s });

// What kube-scheduler says (framework.FitError plus DefaultPreemption) on this 3-node cluster.
const NO_NODE_MATCHES =
  "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
const NO_POD_AFFINITY =
  "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
// A request larger than a node's allocatable is unresolvable there (NodeResourcesFit's
// Unresolvable): evicting pods would not help, and DefaultPreemption says so.
const insufficient = (resource: string) =>
  `0/3 nodes are available: 3 Insufficient ${resource}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`;
const GATED = 'Scheduling is blocked due to non-empty scheduling gates';
// The registry's IP family check on a single-stack IPv4 cluster (initIPFamilyFields).
const NO_IPV6 =
  'The Service "my-service" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster';
const notServed = (kind: string, version: string) =>
  new RegExp(`^no matches for kind "${kind}" in version "${version.replace('/', '\\/')}"`);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const inServiceRange = (c: CorpusContext) => expect.stringMatching(`^${esc(c.servicePrefix)}`);
const inLBPool = (c: CorpusContext) =>
  expect.stringMatching(`^${esc(c.t.config.loadBalancerPool.replace(/0\/24$/, ''))}`);
const NGINX_PAGE = /<title>Welcome to nginx!<\/title>/;
const READY = {
  status: {
    conditions: expect.arrayContaining([
      expect.objectContaining({ type: 'Ready', status: 'True' }),
    ]),
  },
};

/** The table: one row per file (rows of a case share its namespace, in order). */
const CASES: CorpusCase[] = [
  one('service/simple-service.yaml', {
    applied: ['service/my-service created'],
    objects: [
      {
        kind: 'Service',
        name: 'my-service',
        match: (c) => ({
          spec: {
            type: 'ClusterIP',
            clusterIP: inServiceRange(c),
            clusterIPs: [inServiceRange(c)],
            ipFamilies: ['IPv4'],
            ipFamilyPolicy: 'SingleStack',
            sessionAffinity: 'None',
            internalTrafficPolicy: 'Cluster',
            ports: [{ port: 80, targetPort: 9376, protocol: 'TCP' }],
          },
        }),
      },
    ],
    refuses: { service: 'my-service', ports: [80] },
  }),
  steps(
    {
      file: 'controllers/nginx-deployment.yaml',
      expect: {
        applied: ['deployment.apps/nginx-deployment created'],
        objects: [
          {
            kind: 'Deployment',
            name: 'nginx-deployment',
            match: {
              spec: {
                replicas: 3,
                revisionHistoryLimit: 10,
                progressDeadlineSeconds: 600,
                strategy: {
                  type: 'RollingUpdate',
                  rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
                },
                template: {
                  spec: {
                    restartPolicy: 'Always',
                    dnsPolicy: 'ClusterFirst',
                    schedulerName: 'default-scheduler',
                    terminationGracePeriodSeconds: 30,
                  },
                },
              },
              status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 },
            },
          },
        ],
        pods: {
          selector: 'app.kubernetes.io/name=nginx',
          count: 3,
          match: {
            spec: {
              restartPolicy: 'Always',
              dnsPolicy: 'ClusterFirst',
              schedulerName: 'default-scheduler',
              terminationGracePeriodSeconds: 30,
              containers: [{ image: 'nginx:1.14.2', imagePullPolicy: 'IfNotPresent' }],
            },
          },
        },
      },
    },
    {
      file: 'service/nginx-service.yaml',
      expect: {
        applied: ['service/nginx-service created'],
        answers: [
          {
            service: 'nginx-service',
            port: 8000,
            pods: 'app.kubernetes.io/name=nginx',
            count: 3,
            body: NGINX_PAGE,
          },
        ],
      },
    },
  ),
  one('service/load-balancer-example.yaml', {
    applied: ['deployment.apps/hello-world created', 'service/my-service created'],
    objects: [
      {
        kind: 'Service',
        name: 'my-service',
        match: (c) => ({
          spec: {
            type: 'LoadBalancer',
            externalTrafficPolicy: 'Cluster',
            allocateLoadBalancerNodePorts: true,
            ports: [{ port: 8080, targetPort: 8080, nodePort: expect.any(Number) }],
          },
          status: { loadBalancer: { ingress: [{ ip: inLBPool(c) }] } },
        }),
      },
    ],
    answers: [
      {
        service: 'my-service',
        port: 8080,
        via: 'LoadBalancer',
        pods: 'app.kubernetes.io/name=load-balancer-example',
        count: 5,
        body: /^Hello, world!\nVersion: 2\.0\.0\nHostname: hello-world-/,
      },
    ],
  }),
  steps(
    {
      file: 'service/access/backend-deployment.yaml',
      expect: { pods: { selector: 'app.kubernetes.io/name=hello,tier=backend', count: 3 } },
    },
    {
      file: 'service/access/backend-service.yaml',
      expect: {
        answers: [
          {
            service: 'hello',
            port: 80,
            pods: 'app.kubernetes.io/name=hello,tier=backend',
            count: 3,
          },
        ],
      },
    },
    {
      file: 'service/access/frontend-deployment.yaml',
      expect: { pods: { selector: 'tier=frontend', count: 1 } },
    },
    {
      file: 'service/access/frontend-service.yaml',
      expect: {
        objects: [
          {
            kind: 'Service',
            name: 'frontend',
            match: (c) => ({
              spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: expect.any(Number) }] },
              status: { loadBalancer: { ingress: [{ ip: inLBPool(c) }] } },
            }),
          },
        ],
      },
    },
  ),
  one('service/access/hello-application.yaml', {
    applied: ['deployment.apps/hello-world created', 'service/example-service created'],
    answers: [
      {
        service: 'example-service',
        port: 8080,
        via: 'NodePort',
        pods: 'run=load-balancer-example',
        count: 2,
        body: /^Hello, world!\nVersion: 2\.0\.0\n/,
      },
    ],
  }),
  steps(
    {
      file: 'service/pod-with-graceful-termination.yaml',
      expect: {
        pods: {
          selector: 'app=nginx',
          count: 1,
          match: { spec: { terminationGracePeriodSeconds: 120 } },
        },
      },
    },
    {
      file: 'service/explore-graceful-termination-nginx.yaml',
      expect: {
        answers: [
          { service: 'nginx-service', port: 80, pods: 'app=nginx', count: 1, body: NGINX_PAGE },
        ],
        check: gracefulDeletion,
      },
    },
  ),
  steps(
    {
      file: 'service/networking/run-my-nginx.yaml',
      expect: { pods: { selector: 'run=my-nginx', count: 2 } },
    },
    {
      file: 'service/networking/nginx-svc.yaml',
      expect: {
        answers: [
          { service: 'my-nginx', port: 80, pods: 'run=my-nginx', count: 2, body: NGINX_PAGE },
        ],
        dns: {
          name: 'my-nginx.{ns}.svc.cluster.local',
          type: 'A',
          answer: async (c) => [
            (await getObject(c, 'Service', 'my-nginx'))!.spec!.clusterIP as string,
          ],
        },
      },
    },
    {
      file: 'service/networking/nginx-svc-session-affinity.yaml',
      expect: {
        objects: [
          {
            kind: 'Service',
            name: 'my-nginx-sticky',
            match: {
              spec: {
                sessionAffinity: 'ClientIP',
                sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
              },
            },
          },
        ],
        check: stickyPerClient,
      },
    },
    {
      file: 'service/networking/curlpod.yaml',
      expect: {
        pods: { selector: 'app=curlpod', count: 1 },
        // From inside the cluster, by the Service's short name: a my-nginx pod's page.
        exec: {
          pod: 'app=curlpod',
          command: 'curl -s http://my-nginx',
          stdout: (c) => new RegExp(`Served by pod <b>${esc(c.ns)}/my-nginx-`),
        },
      },
    },
  ),
  one(
    'service/networking/custom-dns.yaml',
    {
      objects: [{ kind: 'Pod', name: 'dns-example', match: READY }],
      exec: {
        pod: 'dns-example',
        command: 'cat /etc/resolv.conf',
        stdout:
          /^search ns1\.svc\.cluster-domain\.example my\.dns\.search\.suffix\nnameserver 192\.0\.2\.1\noptions ndots:2 edns0\n$/,
      },
    },
    'default',
  ),
  one('service/networking/hostaliases-pod.yaml', {
    phase: { pod: 'hostaliases-pod', phase: 'Succeeded' },
    logs: {
      pod: 'hostaliases-pod',
      match:
        /\n# Entries added by HostAliases\.\n127\.0\.0\.1\tfoo\.local\tbar\.local\n10\.1\.2\.3\tfoo\.remote\tbar\.remote\n/,
    },
  }),
  one('service/networking/dual-stack-default-svc.yaml', {
    objects: [
      {
        kind: 'Service',
        name: 'my-service',
        match: (c) => ({
          spec: {
            ipFamilyPolicy: 'SingleStack',
            ipFamilies: ['IPv4'],
            clusterIPs: [inServiceRange(c)],
          },
        }),
      },
    ],
  }),
  one('service/networking/dual-stack-preferred-svc.yaml', {
    objects: [
      {
        kind: 'Service',
        name: 'my-service',
        match: (c) => ({
          spec: {
            ipFamilyPolicy: 'PreferDualStack',
            ipFamilies: ['IPv4'],
            clusterIPs: [inServiceRange(c)],
          },
        }),
      },
    ],
  }),
  one('service/networking/dual-stack-preferred-ipfamilies-svc.yaml', {
    refused: { status: 422, message: NO_IPV6 },
  }),
  one('service/networking/dual-stack-ipfamilies-ipv6.yaml', {
    refused: { status: 422, message: NO_IPV6 },
  }),
  one('service/networking/dual-stack-ipv6-lb-svc.yaml', {
    refused: { status: 422, message: NO_IPV6 },
  }),
  one('service/networking/dual-stack-prefer-ipv6-lb-svc.yaml', {
    refused: { status: 422, message: NO_IPV6 },
  }),
  one('service/networking/minimal-ingress.yaml', {
    refused: { status: 422, message: notServed('Ingress', 'networking.k8s.io/v1') },
  }),
  ...(
    [
      [
        'network-policy-default-deny-ingress.yaml',
        'default-deny-ingress',
        { policyTypes: ['Ingress'] },
      ],
      ['network-policy-allow-all-ingress.yaml', 'allow-all-ingress', { ingress: [{}] }],
      [
        'network-policy-default-deny-all.yaml',
        'default-deny-all',
        { policyTypes: ['Ingress', 'Egress'] },
      ],
    ] as const
  ).map(([file, name, spec]) =>
    one(`service/networking/${file}`, {
      applied: [`networkpolicy.networking.k8s.io/${name} created`],
      objects: [{ kind: 'NetworkPolicy', name, match: { spec: { podSelector: {}, ...spec } } }],
    }),
  ),
  one('service/networking/networkpolicy.yaml', {
    applied: ['networkpolicy.networking.k8s.io/test-network-policy created'],
    objects: [
      {
        kind: 'NetworkPolicy',
        name: 'test-network-policy',
        match: {
          spec: {
            policyTypes: ['Ingress', 'Egress'],
            ingress: [{ ports: [{ protocol: 'TCP', port: 6379 }] }],
            egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }],
          },
        },
      },
    ],
  }),
  one('service/networking/networkpolicy-multiport-egress.yaml', {
    applied: ['networkpolicy.networking.k8s.io/multi-port-egress created'],
    objects: [
      {
        kind: 'NetworkPolicy',
        name: 'multi-port-egress',
        match: {
          spec: {
            policyTypes: ['Egress'],
            egress: [{ ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
          },
        },
      },
    ],
  }),
  one('pods/pod-nginx.yaml', {
    pending: { pod: 'nginx', reason: 'Unschedulable', message: NO_NODE_MATCHES },
  }),
  one('pods/topology-spread/one-constraint.yaml', {
    pending: {
      pod: 'mypod',
      reason: 'Unschedulable',
      message:
        "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    },
  }),
  one('pods/topology-spread/zones-spread.yaml', {
    pods: { selector: 'app=spread', count: 4 },
    // maxSkew 1 per zone and per node over three nodes of three zones: 2, 1, 1.
    check: async (c) => {
      const perNode = new Map<string, number>();
      for (const p of await readyPods(c, 'app=spread')) {
        const node = (p as { spec: { nodeName: string } }).spec.nodeName;
        perNode.set(node, (perNode.get(node) ?? 0) + 1);
      }
      expect([...perNode.values()].sort()).toEqual([1, 1, 2]);
    },
  }),
  one('pods/pod-nginx-required-affinity.yaml', {
    pending: { pod: 'nginx', reason: 'Unschedulable', message: NO_NODE_MATCHES },
  }),
  one('pods/pod-nginx-preferred-affinity.yaml', {
    pods: { selector: '', count: 1 },
    check: answersOnPodIP(80, NGINX_PAGE),
  }),
  one('pods/pod-nginx-specific-node.yaml', {
    pods: { selector: '', count: 1, match: { spec: { nodeName: 'node-2' } } },
  }),
  one('pods/pod-with-node-affinity.yaml', {
    pending: { pod: 'with-node-affinity', reason: 'Unschedulable', message: NO_NODE_MATCHES },
  }),
  one('pods/pod-with-node-affinity-list.yaml', {
    refused: {
      status: 400,
      message:
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector',
    },
  }),
  one('pods/pod-with-pod-affinity.yaml', {
    pending: { pod: 'with-pod-affinity', reason: 'Unschedulable', message: NO_POD_AFFINITY },
  }),
  one('pods/pod-with-affinity-preferred-weight.yaml', { pods: { selector: '', count: 1 } }),
  one('pods/pod-with-toleration.yaml', {
    pods: {
      selector: 'env=test',
      count: 1,
      match: {
        spec: {
          tolerations: expect.arrayContaining([
            { key: 'example-key', operator: 'Exists', effect: 'NoSchedule' },
          ]),
        },
      },
    },
    check: answersOnPodIP(80, NGINX_PAGE),
  }),
  steps(
    {
      file: 'pods/pod-with-scheduling-gates.yaml',
      expect: { pending: { pod: 'test-pod', reason: 'SchedulingGated', message: GATED } },
    },
    {
      file: 'pods/pod-without-scheduling-gates.yaml',
      expect: { applied: ['pod/test-pod configured'], pods: { selector: '', count: 1 } },
    },
  ),
  one('pods/commands.yaml', {
    phase: { pod: 'command-demo', phase: 'Succeeded' },
    objects: [
      {
        kind: 'Pod',
        name: 'command-demo',
        match: {
          status: {
            containerStatuses: [
              { restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            ],
          },
        },
      },
    ],
    logs: {
      pod: 'command-demo',
      match: (c) => new RegExp(`^command-demo\\ntcp://${esc(c.kubernetesIP)}:443\\n$`),
    },
  }),
  one('pods/lifecycle-events.yaml', {
    pods: { selector: '', count: 1 },
    check: answersOnPodIP(80, NGINX_PAGE),
  }),
  one('pods/probe/exec-liveness.yaml', {
    pods: {
      selector: 'test=liveness',
      count: 1,
      match: { status: { containerStatuses: [{ restartCount: 0 }] } },
    },
  }),
  one('pods/probe/http-liveness.yaml', {
    restarts: { pod: 'liveness-http', atLeast: 1, within: 35_000 },
  }),
  one('pods/probe/tcp-liveness-readiness.yaml', {
    readyAfter: { pod: 'goproxy', notBeforeMs: 14_500, within: 30_000 },
  }),
  one('pods/probe/pod-with-http-healthcheck.yaml', {
    pods: {
      selector: '',
      count: 1,
      match: { status: { containerStatuses: [{ restartCount: 0 }] } },
    },
    check: answersOnPodIP(80, NGINX_PAGE),
  }),
  one(
    'pods/resource/cpu-request-limit.yaml',
    {
      objects: [
        {
          kind: 'Pod',
          name: 'cpu-demo',
          match: {
            spec: {
              containers: [{ resources: { requests: { cpu: '500m' }, limits: { cpu: '1' } } }],
            },
            status: { phase: 'Running', qosClass: 'Burstable' },
          },
        },
      ],
    },
    'cpu-example',
  ),
  one(
    'pods/resource/cpu-request-limit-2.yaml',
    { pending: { pod: 'cpu-demo-2', reason: 'Unschedulable', message: insufficient('cpu') } },
    'cpu-example',
  ),
  one(
    'pods/resource/memory-request-limit-3.yaml',
    { pending: { pod: 'memory-demo-3', reason: 'Unschedulable', message: insufficient('memory') } },
    'mem-example',
  ),
  one('pods/resource/extended-resource-pod.yaml', {
    pending: {
      pod: 'extended-resource-demo',
      reason: 'Unschedulable',
      message: insufficient('example.com/dongle'),
    },
  }),
  one(
    'pods/qos/qos-pod.yaml',
    {
      objects: [
        {
          kind: 'Pod',
          name: 'qos-demo',
          match: { status: { phase: 'Running', qosClass: 'Guaranteed' } },
        },
      ],
    },
    'qos-example',
  ),
  steps(
    {
      file: 'controllers/frontend.yaml',
      expect: {
        applied: ['replicaset.apps/frontend created'],
        pods: {
          selector: 'tier=frontend',
          count: 3,
          match: {
            metadata: {
              ownerReferences: [{ kind: 'ReplicaSet', name: 'frontend', controller: true }],
            },
          },
        },
        objects: [
          {
            kind: 'ReplicaSet',
            name: 'frontend',
            match: { status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 } },
          },
        ],
      },
    },
    {
      file: 'pods/pod-rs.yaml',
      expect: {
        applied: ['pod/pod1 created', 'pod/pod2 created'],
        absent: [
          { kind: 'Pod', name: 'pod1', within: 10_000 },
          { kind: 'Pod', name: 'pod2', within: 10_000 },
        ],
        pods: { selector: 'tier=frontend', count: 3 },
      },
    },
  ),
  one('controllers/replication.yaml', {
    refused: { status: 422, message: notServed('ReplicationController', 'v1') },
  }),
  one('controllers/job.yaml', {
    applied: ['job.batch/pi created'],
    objects: [
      {
        kind: 'Job',
        name: 'pi',
        match: {
          spec: { backoffLimit: 4, completions: 1, parallelism: 1, completionMode: 'NonIndexed' },
          status: { active: 1 },
        },
      },
    ],
  }),
  one('controllers/statefulset.yaml', {
    applied: ['service/nginx created', 'statefulset.apps/web created'],
    objects: [
      {
        kind: 'StatefulSet',
        name: 'web',
        match: {
          spec: {
            replicas: 3,
            podManagementPolicy: 'OrderedReady',
            updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          },
        },
      },
      {
        kind: 'Pod',
        name: 'web-0',
        match: {
          spec: {
            hostname: 'web-0',
            subdomain: 'nginx',
            volumes: [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }],
          },
        },
      },
    ],
    // OrderedReady with minReadySeconds 10: web-1 waits for web-0 to be available 10 s.
    absent: [{ kind: 'Pod', name: 'web-1' }],
  }),
  steps(
    {
      file: 'application/deployment.yaml',
      expect: {
        pods: {
          selector: 'app=nginx',
          count: 2,
          match: { spec: { containers: [{ image: 'nginx:1.14.2' }] } },
        },
      },
    },
    {
      file: 'application/deployment-update.yaml',
      expect: {
        applied: ['deployment.apps/nginx-deployment configured'],
        objects: [
          {
            kind: 'Deployment',
            name: 'nginx-deployment',
            within: 20_000,
            match: {
              metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } },
              status: { replicas: 2, updatedReplicas: 2, readyReplicas: 2 },
            },
          },
        ],
        pods: {
          selector: 'app=nginx',
          count: 2,
          match: { spec: { containers: [{ image: 'nginx:1.16.1' }] } },
        },
      },
    },
    {
      file: 'application/deployment-scale.yaml',
      expect: {
        applied: ['deployment.apps/nginx-deployment configured'],
        pods: { selector: 'app=nginx', count: 4 },
      },
    },
  ),
  one('application/nginx-app.yaml', {
    applied: ['service/my-nginx-svc created', 'deployment.apps/my-nginx created'],
    answers: [
      {
        service: 'my-nginx-svc',
        port: 80,
        via: 'LoadBalancer',
        pods: 'app=nginx',
        count: 3,
        body: NGINX_PAGE,
      },
    ],
  }),
  one('application/php-apache.yaml', {
    pods: {
      selector: 'app.kubernetes.io/name=php-apache',
      count: 1,
      match: {
        spec: {
          containers: [{ resources: { requests: { cpu: '200m' }, limits: { cpu: '500m' } } }],
        },
      },
    },
    answers: [
      { service: 'php-apache', port: 80, pods: 'app.kubernetes.io/name=php-apache', count: 1 },
    ],
  }),
  one('application/simple_deployment.yaml', {
    objects: [
      {
        kind: 'Deployment',
        name: 'nginx-deployment',
        match: { spec: { replicas: 1, minReadySeconds: 5 } },
      },
    ],
    check: availableAfterMinReady,
  }),
  steps(
    {
      file: 'application/guestbook/redis-leader-deployment.yaml',
      expect: { pods: { selector: 'app=redis,role=leader', count: 1 } },
    },
    {
      file: 'application/guestbook/redis-leader-service.yaml',
      expect: {
        answers: [
          {
            service: 'redis-leader',
            port: 6379,
            pods: 'app=redis,role=leader',
            count: 1,
            protocol: 'redis',
          },
        ],
      },
    },
    {
      file: 'application/guestbook/redis-follower-deployment.yaml',
      expect: { pods: { selector: 'app=redis', count: 3 } },
    },
    {
      file: 'application/guestbook/redis-follower-service.yaml',
      expect: {
        answers: [
          {
            service: 'redis-follower',
            port: 6379,
            pods: 'app=redis,role=follower',
            count: 2,
            protocol: 'redis',
          },
        ],
      },
    },
    {
      file: 'application/guestbook/frontend-deployment.yaml',
      expect: { pods: { selector: 'app=guestbook,tier=frontend', count: 3 } },
    },
    {
      file: 'application/guestbook/frontend-service.yaml',
      expect: {
        answers: [{ service: 'frontend', port: 80, pods: 'app=guestbook,tier=frontend', count: 3 }],
      },
    },
  ),
  steps(
    {
      file: 'application/canary/app-service.yaml',
      expect: { refuses: { service: 'rollout-demo-service', ports: [80] } },
    },
    {
      file: 'application/canary/app-v1-deployment.yaml',
      expect: {
        answers: [
          {
            service: 'rollout-demo-service',
            port: 80,
            pods: 'app.kubernetes.io/name=rollout-demo',
            count: 3,
            body: /^Hello, world!\nVersion: 1\.0\.0\n/,
          },
        ],
      },
    },
    {
      file: 'application/canary/app-v2-deployment.yaml',
      expect: {
        answers: [
          {
            service: 'rollout-demo-service',
            port: 80,
            pods: 'app.kubernetes.io/name=rollout-demo',
            count: 4,
            body: /^Hello, world!\nVersion: [12]\.0\.0\nHostname: rollout-demo-/,
          },
        ],
        check: bothVersionsAnswer,
      },
    },
  ),
  one(
    'admin/dns/dnsutils.yaml',
    {
      objects: [{ kind: 'Pod', name: 'dnsutils', match: READY }],
      exec: {
        pod: 'dnsutils',
        command: 'nslookup kubernetes.default',
        stdout: (c) =>
          new RegExp(
            `Name:\\s+kubernetes\\.default\\.svc\\.cluster\\.local\\nAddress:\\s+${esc(c.kubernetesIP)}\\n`,
          ),
      },
    },
    'default',
  ),
  one('admin/namespace-dev.yaml', {
    applied: ['namespace/development created'],
    objects: [
      {
        kind: 'Namespace',
        name: 'development',
        match: {
          metadata: {
            labels: { name: 'development', 'kubernetes.io/metadata.name': 'development' },
          },
          status: { phase: 'Active' },
        },
      },
    ],
  }),
  one('admin/namespace-prod.yaml', {
    applied: ['namespace/production created'],
    objects: [{ kind: 'Namespace', name: 'production', match: { status: { phase: 'Active' } } }],
  }),
  one('admin/sched/pod1.yaml', {
    pods: {
      selector: 'name=multischeduler-example',
      count: 1,
      match: { spec: { schedulerName: 'default-scheduler' } },
    },
  }),
  one('admin/sched/pod3.yaml', {
    unscheduled: { pod: 'annotation-second-scheduler', forMs: 2_000 },
  }),
  one('debug/termination.yaml', {
    restarts: {
      pod: 'termination-demo',
      atLeast: 1,
      within: 30_000,
      lastState: { terminated: { exitCode: 0, reason: 'Completed' } },
    },
  }),
  one('debug/counter-pod.yaml', { logs: { pod: 'counter', match: /^0: .+\n1: .+\n/ } }),
  steps(
    {
      file: 'pods/config/special-config.yaml',
      expect: {
        applied: ['configmap/special-config created'],
        objects: [
          {
            kind: 'ConfigMap',
            name: 'special-config',
            match: { data: { SPECIAL_LEVEL: 'very', SPECIAL_TYPE: 'charm' } },
          },
        ],
      },
    },
    {
      file: 'pods/config/pod-configmap-env-var-valueFrom.yaml',
      expect: { logs: { pod: 'dapi-test-pod', match: /^very charm\n$/ } },
    },
    {
      file: 'pods/config/pod-configmap-envFrom.yaml',
      expect: {
        logs: {
          pod: 'envfrom-test-pod',
          match: /^SPECIAL_LEVEL=very\n(.*\n)*SPECIAL_TYPE=charm\n/m,
        },
      },
    },
    {
      file: 'pods/config/pod-configmap-volume.yaml',
      expect: {
        logs: { pod: 'volume-test-pod', match: /^SPECIAL_LEVEL\nSPECIAL_TYPE\ncharm\n?$/ },
      },
    },
  ),
  one('pods/config/pod-missing-configmap.yaml', {
    objects: [
      {
        kind: 'Pod',
        name: 'missing-config-pod',
        match: {
          status: {
            phase: 'Pending',
            containerStatuses: [
              expect.objectContaining({
                state: {
                  waiting: {
                    reason: 'CreateContainerConfigError',
                    message: 'configmap "no-such-config" not found',
                  },
                },
              }),
            ],
          },
        },
      },
    ],
  }),
  one('docs/concepts/services-networking/service/multi-port.yaml', {
    objects: [
      {
        kind: 'Service',
        name: 'my-service',
        match: {
          spec: {
            ports: [
              { name: 'http', port: 80, targetPort: 9376, protocol: 'TCP' },
              { name: 'https', port: 443, targetPort: 9377, protocol: 'TCP' },
            ],
          },
        },
      },
    ],
    refuses: { service: 'my-service', ports: [80, 443] },
  }),
  steps(
    {
      file: 'docs/concepts/services-networking/service/nodeport.yaml',
      expect: {
        objects: [
          {
            kind: 'Service',
            name: 'my-service',
            match: {
              spec: {
                type: 'NodePort',
                externalTrafficPolicy: 'Cluster',
                ports: [{ port: 80, targetPort: 80, nodePort: 30007 }],
              },
            },
          },
        ],
        check: nodePortRefuses(30007),
      },
    },
    {
      file: 'docs/concepts/services-networking/service/nodeport.yaml',
      namespaceSuffix: 'again',
      expect: {
        refused: {
          status: 422,
          message:
            'The Service "my-service" is invalid: spec.ports[0].nodePort: Invalid value: 30007: provided port is already allocated',
        },
      },
    },
  ),
  one('docs/concepts/services-networking/service/loadbalancer.yaml', {
    refused: {
      status: 422,
      message:
        /^The Service "my-service" is invalid: spec\.clusterIPs: Invalid value: \[\]string\{"10\.0\.171\.239"\}: failed to allocate IP 10\.0\.171\.239: the provided IP \(10\.0\.171\.239\) is not in the valid range\. /,
    },
  }),
  one(
    'docs/concepts/services-networking/service/externalname.yaml',
    {
      objects: [
        {
          kind: 'Service',
          name: 'my-service',
          match: { spec: { type: 'ExternalName', externalName: 'my.database.example.com' } },
        },
      ],
      dns: {
        name: 'my-service.prod.svc.cluster.local',
        type: 'CNAME',
        answer: async () => ['my.database.example.com'],
      },
      check: async (c) =>
        expect((await getObject(c, 'Service', 'my-service'))?.spec?.clusterIP).toBeUndefined(),
    },
    'prod',
  ),
  one('docs/concepts/services-networking/service/without-selector.yaml', {
    applied: ['service/my-service created', 'endpointslice.discovery.k8s.io/my-service-1 created'],
    objects: [
      {
        kind: 'EndpointSlice',
        name: 'my-service-1',
        match: {
          addressType: 'IPv4',
          endpoints: [{ addresses: ['10.4.5.6'] }, { addresses: ['10.1.2.3'] }],
          ports: [{ name: '', port: 9376, protocol: 'TCP', appProtocol: 'http' }],
        },
      },
    ],
    check: onlyTheManualSlice,
  }),
  one('docs/concepts/services-networking/service/endpoints.yaml', {
    applied: ['service/my-service created', 'endpoints/my-service created'],
    objects: [
      {
        kind: 'Endpoints',
        name: 'my-service',
        match: { subsets: [{ addresses: [{ ip: '192.0.2.42' }], ports: [{ port: 9376 }] }] },
      },
    ],
    check: mirroredSlice,
  }),
  one('docs/concepts/services-networking/dns-pod-service/hostname-subdomain.yaml', {
    objects: [
      { kind: 'Service', name: 'busybox-subdomain', match: { spec: { clusterIP: 'None' } } },
    ],
    pods: { selector: 'name=busybox', count: 2 },
    dns: {
      name: 'busybox-1.busybox-subdomain.{ns}.svc.cluster.local',
      type: 'A',
      answer: async (c) => [(await getObject(c, 'Pod', 'busybox1'))!.status!.podIP!],
    },
  }),
  one(
    'docs/concepts/services-networking/service-traffic-policy/internal-traffic-policy-local.yaml',
    {
      objects: [
        {
          kind: 'Service',
          name: 'my-service',
          match: { spec: { internalTrafficPolicy: 'Local' } },
        },
      ],
    },
  ),
  steps(
    {
      file: 'docs/concepts/workloads/pods/init-containers/myapp-pod.yaml',
      expect: {
        objects: [
          {
            kind: 'Pod',
            name: 'myapp-pod',
            match: {
              status: {
                phase: 'Pending',
                initContainerStatuses: [
                  { name: 'init-myservice', ready: false, state: { running: expect.any(Object) } },
                  {
                    name: 'init-mydb',
                    ready: false,
                    state: { waiting: { reason: 'PodInitializing' } },
                  },
                ],
              },
            },
          },
        ],
      },
    },
    {
      file: 'docs/concepts/workloads/pods/init-containers/myapp-services.yaml',
      expect: {
        applied: ['service/myservice created', 'service/mydb created'],
        phase: { pod: 'myapp-pod', phase: 'Running', within: 20_000 },
        logs: { pod: 'myapp-pod', match: /The app is running!/ },
      },
    },
  ),
  one('docs/tasks/access-application-cluster/create-external-load-balancer.yaml', {
    objects: [
      {
        kind: 'Service',
        name: 'example-service',
        match: (c) => ({
          spec: {
            type: 'LoadBalancer',
            externalTrafficPolicy: 'Local',
            healthCheckNodePort: expect.any(Number),
            ports: [{ port: 8765, targetPort: 9376, nodePort: expect.any(Number) }],
          },
          status: { loadBalancer: { ingress: [{ ip: inLBPool(c) }] } },
        }),
      },
    ],
  }),
  one('docs/tasks/debug/debug-service-hostnames.yaml', {
    answers: [
      { service: 'hostnames', port: 80, pods: 'app=hostnames', count: 3, body: /^hostnames-\S+$/ },
    ],
  }),
  one('docs/tasks/manage-gpus/gpu-pod.yaml', {
    pending: {
      pod: 'example-vector-add',
      reason: 'Unschedulable',
      message: insufficient('nvidia.com/gpu'),
    },
    objects: [
      {
        kind: 'Pod',
        name: 'example-vector-add',
        match: {
          spec: {
            containers: [
              {
                resources: {
                  limits: { 'nvidia.com/gpu': '1' },
                  requests: { 'nvidia.com/gpu': '1' },
                },
              },
            ],
          },
        },
      },
    ],
  }),
  one('docs/tutorials/services/source-ip.yaml', {
    pods: { selector: 'app=source-ip-app', count: 1 },
    check: sourceIPPreserved,
  }),
  one('docs/tutorials/hello-minikube.yaml', {
    answers: [
      {
        service: 'hello-node',
        port: 8080,
        via: 'LoadBalancer',
        pods: 'app=hello-node',
        count: 1,
        body: /^NOW: /,
      },
    ],
  }),
];

let t: TestLab;

beforeAll(async () => {
  t = await startTestLab({ runtime: 'builtin' });
});

afterAll(async () => {
  await t?.stop();
});

async function corpusFiles(): Promise<string[]> {
  const entries = await readdir(CORPUS_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => relative(CORPUS_DIR, join(e.parentPath, e.name)))
    .sort();
}

const title = (c: CorpusCase) => c.steps.map((s) => s.file).join(' + ');

describe.concurrent('manifests after the Kubernetes docs, each applied to a started lab', () => {
  it('holds at least 60 files, each in the table and the README, each naming its example', async () => {
    const inTable = new Set(CASES.flatMap((c) => c.steps.map((s) => s.file)));
    const onDisk = await corpusFiles();
    expect(onDisk.length).toBeGreaterThanOrEqual(60);
    expect([...inTable].sort()).toEqual(onDisk);
    const readme = await readFile(join(CORPUS_DIR, 'README.md'), 'utf8');
    for (const file of onDisk) {
      expect(readme, file).toContain(basename(file));
      expect(await readCorpusFile(file), file).toMatch(
        /^# After: https:\/\/kubernetes\.io\/(examples|docs)\/\S+(,| \(written for l4lab, not copied\))/,
      );
    }
  });

  CASES.forEach((corpusCase, i) => {
    it(title(corpusCase), { timeout: 60_000 }, async () => {
      const ns = corpusCase.ns ?? namespaceFor(i, corpusCase.steps[0]!.file);
      const c = corpusContext(t, ns);
      for (const step of corpusCase.steps) {
        await runStep(c, corpusCase.ns ? { ...step, fixedNamespace: true } : step);
      }
    });
  });
});
