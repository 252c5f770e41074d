// A lesson as data: what `lesson.yaml` says once parsed and checked. The TypeScript shapes are the
// YAML's shapes (a check is written `objects: {kind: Pod, ...}` and read `check.objects.kind`), so
// this file is also the format's reference.
import type { ConnectionOutcome, FrontendKind, KubeKind } from '@l4lab/protocol';

export interface Lesson {
  /** A DNS-1123 label, unique among the lessons (`clusterip`): progress is kept under it. */
  id: string;
  title: string;
  summary: string;
  steps: LessonStep[];
  /**
   * Node ports the lesson's files fix (`nodePort: 30380`). In a workshop each student has a band
   * of node ports of their own, so these are moved into it (the first listed to the band's first
   * port, ...) wherever the lesson says them: files, text and checks (nodePorts.ts).
   */
  nodePorts?: number[];
  /**
   * Namespaces the lesson creates besides the student's own (`kubectl create ns nginx-ns`). In a
   * workshop each student gets theirs, `<student>-<name>`, everywhere the lesson says the name.
   */
  namespaces?: string[];
}

export interface LessonStep {
  title: string;
  /** The step's text, markdown (from its file, or written inline in lesson.yaml). */
  markdown: string;
  /** YAML the step loads into the student's editor, one tab per file, in this order. */
  files: LessonFile[];
  /** What the room sees turn green; a step may have none (a step to read). */
  checks: Check[];
}

export interface LessonFile {
  /** The file's name in the lesson folder, as the student types it: `kubectl apply -f pod_test.yaml`. */
  name: string;
  text: string;
}

/** One check: a title for the room, and exactly one of the four forms. */
export type Check = CheckMeta &
  (
    | { object: ObjectCheck }
    | { objects: ObjectsCheck }
    | { endpoints: EndpointsCheck }
    | { connections: ConnectionsCheck }
  );

export interface CheckMeta {
  /** Stable within the lesson (the progress board's column): written, or `step<N>-<M>`. */
  id: string;
  title: string;
}

/** How many: `count` exactly, or at least `min` and at most `max` (either or both). */
export interface Bounds {
  count?: number;
  min?: number;
  max?: number;
}

/**
 * A value a field must have: a scalar it equals, `{matches: <regex>}` for its text, or
 * `{exists: true|false}`. Keys are paths: `spec.type`, `spec.ports[0].nodePort`,
 * `metadata.annotations["l4lab.dev/proxy-mode"]`.
 */
export type FieldCondition = string | number | boolean | { matches: string } | { exists: boolean };

export type FieldConditions = Record<string, FieldCondition>;

/** One named object exists (in the student's namespace unless `namespace` says), with these fields. */
export interface ObjectCheck {
  kind: KubeKind;
  name: string;
  namespace?: string;
  fields?: FieldConditions;
}

/** How many objects of a kind match a label selector (and `ready` for pods, and fields). */
export interface ObjectsCheck extends Bounds {
  kind: KubeKind;
  namespace?: string;
  /** matchLabels: every label must match. */
  selector?: Record<string, string>;
  /** Pods only: count those whose Ready condition is True (true) or is not (false). */
  ready?: boolean;
  fields?: FieldConditions;
}

/** How many ready endpoints a Service's EndpointSlices hold (addresses counted once). */
export interface EndpointsCheck extends Bounds {
  service: string;
  namespace?: string;
}

/** Who connected: anyone, a pod of the student's namespace, or a client off this machine. */
export type ClientFilter = 'any' | 'pod' | 'outside';

export const CLIENT_FILTERS: readonly ClientFilter[] = ['any', 'pod', 'outside'];

/**
 * Connection events that match every filter given, in the Service's namespace (the student's
 * unless `namespace` says), then what must hold of them. A connection seen twice (open, then
 * closed) counts once, as its latest event.
 */
export interface ConnectionsCheck extends Bounds {
  // Which connections.
  service?: string;
  namespace?: string;
  /** The endpoint pod's name, or a prefix ending in `*` (`my-nginx-*`). */
  pod?: string;
  outcome?: ConnectionOutcome[];
  frontend?: FrontendKind[];
  from?: ClientFilter;
  /** The proxy mode that routed it (`iptables`, `ipvs:rr`, `maglev`). */
  mode?: string;
  /** Text the routing reason contains (`no local endpoints`, `client IP kept`). */
  reason?: string;
  /** Only connections started in the last N seconds. */
  within?: number;
  /** Only connections started since the student reached this step. */
  since?: 'step';
  // What must hold (the total's bounds above, and any of these; all must hold).
  /** Every ready endpoint pod of the Service got at least this many. */
  eachPod?: number;
  /** How many distinct pods the connections reached. */
  pods?: Bounds;
  /** Every ready endpoint pod's count is within this fraction of an even share (0.2 = ±20%). */
  balanced?: number;
  /** true: every client IP stayed on one pod (sessionAffinity); false: some client reached two. */
  onePodPerClient?: boolean;
}

export interface CheckResult {
  passed: boolean;
  /** One sentence for the room: "2 of 3 endpoints of Service my-nginx are ready, want at least 3". */
  detail: string;
}

/** A problem in a lesson folder, where it is. */
export interface LessonError {
  /** The file, relative to the lessons folder: `clusterip/lesson.yaml`. */
  file: string;
  line: number;
  column: number;
  /** The field (`steps[1].checks[0].connections.outcome`), or "" for the whole file. */
  path: string;
  message: string;
}

export const CHECK_FORMS = ['object', 'objects', 'endpoints', 'connections'] as const;
export type CheckForm = (typeof CHECK_FORMS)[number];

export type { ConnectionOutcome, FrontendKind };
