// Workshop mode's state: the identities (./identities.ts), each student's namespace and quota in
// the cluster, the instructor's spotlight, and the workshop file in the workspace
// (state/workshop.json, owner-only) so that a restarted lab keeps its students, their tokens
// (digests) and every printed link working.
import { join } from 'node:path';
import type { StudentQuota } from '@l4lab/protocol';
import type { Cluster } from '@l4lab/cluster';
import { isDNS1123Label } from '@l4lab/manifests';
import type { Logger } from '../logger.ts';
import { writeFileAtomic } from '../persist/atomicFile.ts';
import { loadStateFile, type StateNote } from '../persist/stateFile.ts';
import { EditorTabsStore } from '../persist/editorTabs.ts';
import {
  DEFAULT_STUDENT_QUOTA,
  Identities,
  MAX_DEVICES,
  MAX_STUDENTS,
  namespacesOf,
  type Student,
} from './identities.ts';

const WORKSHOP_VERSION = 1;

/**
 * Node ports in a workshop: the instructor's Services keep 30000-31999 (the seeds' 30380 is
 * there); each student has 12 of 32000-32767, so two students' NodePorts never collide, and a
 * lesson's fixed port is moved into the student's band (lessonForStudent).
 */
export const INSTRUCTOR_NODE_PORTS = { first: 30000, last: 31999 };
const STUDENT_NODE_PORTS_FIRST = 32000;
export const NODE_PORTS_PER_STUDENT = 12;

export function nodePortBand(slot: number): { first: number; last: number } {
  const first = STUDENT_NODE_PORTS_FIRST + slot * NODE_PORTS_PER_STUDENT;
  return { first, last: first + NODE_PORTS_PER_STUDENT - 1 };
}
/** The ResourceQuota name a student's refusals give. */
export const STUDENT_QUOTA_NAME = 'student-quota';

/** Names a student may not take: Kubernetes' own namespaces and the lab's. */
const RESERVED = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'l4lab']);

/** Kubernetes' message for a name that is not a DNS-1123 label; undefined when it is one. */
export function labelProblem(name: string): string | undefined {
  return isDNS1123Label(name).join(', ') || undefined;
}

export class JoinRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface WorkshopFile {
  kind: 'L4labWorkshop';
  version: number;
  instructorToken: string;
  viewerToken: string;
  joinCode: string;
  students: Student[];
}

export class Workshop {
  readonly identities: Identities;
  readonly quota: StudentQuota;
  spotlight: string | undefined;
  readonly #cluster: Cluster;
  readonly #file: string;
  readonly #stateDir: string;
  readonly #logger: Logger;
  readonly #tabs = new Map<string, Promise<EditorTabsStore>>();
  /** Namespaces lessons create (`nginx-ns`): each student gets `<name>-nginx-ns` of their own. */
  readonly #lessonNamespaces: readonly string[];
  /** The last save: saves run one after another, each writing the state as it is then. */
  #saving: Promise<void> = Promise.resolve();

  private constructor(
    o: {
      cluster: Cluster;
      workspace: string;
      logger: Logger;
      quota?: StudentQuota;
      lessonNamespaces?: readonly string[];
    },
    identities: Identities,
  ) {
    this.#lessonNamespaces = o.lessonNamespaces ?? [];
    this.identities = identities;
    this.quota = o.quota ?? DEFAULT_STUDENT_QUOTA;
    this.#cluster = o.cluster;
    this.#stateDir = join(o.workspace, 'state');
    this.#file = join(this.#stateDir, 'workshop.json');
    this.#logger = o.logger;
  }

  /** Opens the workshop saved in the workspace (or a new one), and puts its quotas in force. */
  static async open(o: {
    cluster: Cluster;
    workspace: string;
    logger: Logger;
    fresh?: boolean;
    quota?: StudentQuota;
    /** Namespaces the lessons create (lesson.yaml's `namespaces:`). */
    lessonNamespaces?: readonly string[];
    /** Given tokens (tests); otherwise the saved ones, else new ones. */
    instructorToken?: string;
  }): Promise<{ workshop: Workshop; notes: StateNote[] }> {
    const file = join(o.workspace, 'state', 'workshop.json');
    const loaded = o.fresh
      ? {}
      : await loadStateFile(file, 'the saved workshop', checkWorkshopFile);
    const saved = loaded.value;
    const identities = new Identities({
      ...(o.instructorToken
        ? { instructorToken: o.instructorToken }
        : saved
          ? { instructorToken: saved.instructorToken }
          : {}),
      ...(saved ? { viewerToken: saved.viewerToken, joinCode: saved.joinCode } : {}),
    });
    const workshop = new Workshop(o, identities);
    if (saved) identities.restore(saved.students);
    o.cluster.namespaceNodePorts.set('*', INSTRUCTOR_NODE_PORTS);
    for (const s of identities.students()) workshop.#limit(s.name);
    await workshop.#save();
    const notes: StateNote[] = loaded.note ? [loaded.note] : [];
    if (saved?.students.length)
      notes.push({
        level: 'info',
        text: `workshop: ${saved.students.length} student(s) restored (their kubeconfigs still work)`,
      });
    return { workshop, notes };
  }

  /**
   * A student joins: a DNS-1123 name of their choosing (or the next `student-<n>`) becomes their
   * namespace, created now, with its quota; the token and the rejoin code are returned this once.
   * With `rejoin`, the student of that name joins again from another device: the same namespace,
   * a token of its own.
   */
  async join(
    requested: string | undefined,
    rejoin?: string,
  ): Promise<{ student: Student; token: string; rejoinCode?: string }> {
    if (rejoin !== undefined) return this.#rejoin(requested?.trim() ?? '', rejoin);
    if (this.identities.count >= MAX_STUDENTS)
      throw new JoinRefused(
        403,
        'L4_E_WORKSHOP_FULL',
        `this workshop is full (${MAX_STUDENTS} students): ask the instructor`,
      );
    const name = requested?.trim() ? requested.trim() : this.identities.nextName();
    const problem = labelProblem(name);
    if (problem)
      throw new JoinRefused(
        422,
        'L4_E_BAD_NAME',
        `metadata.name: Invalid value: ${JSON.stringify(name)}: ${problem}`,
      );
    if (RESERVED.has(name) || name.startsWith('kube-'))
      throw new JoinRefused(422, 'L4_E_BAD_NAME', `the name "${name}" is reserved: choose another`);
    const extra = this.#lessonNamespaces.map((n) => `${name}-${n}`).filter((n) => n.length <= 63);
    const taken = [name, ...extra].some(
      (n) => this.identities.ownerOf(n) || this.#cluster.store.get('Namespace', undefined, n),
    );
    if (taken)
      throw new JoinRefused(
        409,
        'L4_E_NAME_TAKEN',
        this.identities.has(name)
          ? `namespaces "${name}" already exists: choose another name, or, if you are ${name} on another device, type the rejoin code you were shown when you joined`
          : `namespaces "${name}" already exists: choose another name`,
      );
    const outcome = this.#cluster.apply([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          labels: { 'kubernetes.io/metadata.name': name, 'l4lab.dev/student': name },
        },
      } as never,
    ]);
    if (!outcome.ok)
      throw new JoinRefused(
        422,
        'L4_E_BAD_NAME',
        outcome.errors.map((e) => e.message).join('; ') || 'the namespace could not be created',
      );
    const added = this.identities.add(name, extra);
    this.#limit(name);
    await this.#save();
    this.#logger.info({ student: name }, 'student joined');
    return added;
  }

  async #rejoin(name: string, code: string): Promise<{ student: Student; token: string }> {
    const r = this.identities.rejoin(name, code);
    if (r === undefined)
      throw new JoinRefused(
        404,
        'L4_E_NO_STUDENT',
        `no student "${name}" has joined this workshop`,
      );
    if (r === 'wrong')
      throw new JoinRefused(
        403,
        'L4_E_REJOIN_CODE',
        `that is not ${name}'s rejoin code: it was shown when ${name} joined (the joined page of their first device makes a new one)`,
      );
    if (r === 'full')
      throw new JoinRefused(
        403,
        'L4_E_REJOIN_FULL',
        `${name} has joined from ${MAX_DEVICES} devices, the most one student may: ask the instructor`,
      );
    await this.#save();
    this.#logger.info({ student: name }, 'student joined again from another device');
    return r;
  }

  /** A new rejoin code for a student, shown to them this once; the one before stops working. */
  async rotateRejoinCode(name: string): Promise<string | undefined> {
    const code = this.identities.rotateRejoinCode(name);
    if (code) await this.#save();
    return code;
  }

  /** Deletes every object of a student's namespace, keeping the namespace and the token. */
  reset(name: string): boolean {
    const s = this.identities.get(name);
    if (!s) return false;
    for (const kind of [
      'Deployment',
      'ReplicaSet',
      'Pod',
      'Service',
      'Endpoints',
      'EndpointSlice',
    ] as const) {
      for (const o of this.#cluster.store.list(kind, s.namespace)) {
        if (o.metadata.ownerReferences?.length) continue; // their owners' deletion takes them
        this.#cluster.delete(kind, s.namespace, o.metadata.name);
      }
    }
    return true;
  }

  /** Removes a student: their token stops working and their namespace is deleted. */
  async remove(name: string): Promise<boolean> {
    const s = this.identities.remove(name);
    if (!s) return false;
    for (const ns of namespacesOf(s)) {
      this.#cluster.namespaceQuotas.delete(ns);
      this.#cluster.namespaceNodePorts.delete(ns);
      if (this.#cluster.store.get('Namespace', undefined, ns))
        this.#cluster.delete('Namespace', undefined, ns);
    }
    if (this.spotlight === s.namespace) this.spotlight = undefined;
    await this.#save();
    return true;
  }

  isStudentNamespace(ns: string): boolean {
    return this.identities.has(ns);
  }

  /** The student's own namespace for a namespace they own (theirs or a lesson's for them). */
  studentOf(ns: string): string | undefined {
    return this.identities.ownerOf(ns)?.name;
  }

  /** A student's own editor tabs (state/editor-tabs-<name>.json), opened on first use. */
  tabsOf(name: string): Promise<EditorTabsStore> {
    let store = this.#tabs.get(name);
    if (!store) {
      store = EditorTabsStore.open(
        join(this.#stateDir, `editor-tabs-${name}.json`),
        this.#logger,
      ).then((r) => r.store);
      this.#tabs.set(name, store);
    }
    return store;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#tabs.values()].map(async (t) => (await t).close()));
  }

  /** The node ports (their band) of the student who owns a namespace. */
  nodePortsOf(namespace: string): { first: number; last: number } | undefined {
    const s = this.identities.ownerOf(namespace);
    return s ? nodePortBand(s.slot) : undefined;
  }

  /** A student's quota and node ports, in every namespace they own (lessons' too). */
  #limit(name: string): void {
    const s = this.identities.get(name);
    if (!s) return;
    for (const ns of namespacesOf(s)) {
      this.#cluster.namespaceNodePorts.set(ns, nodePortBand(s.slot));
      this.#cluster.namespaceQuotas.set(ns, {
        name: STUDENT_QUOTA_NAME,
        pods: this.quota.pods,
        services: this.quota.services,
      });
    }
  }

  /** Saved one at a time, so an earlier snapshot never lands after a later one. */
  #save(): Promise<void> {
    const run = this.#saving.then(() => this.#write());
    this.#saving = run.catch(() => undefined);
    return run;
  }

  async #write(): Promise<void> {
    const file: WorkshopFile = {
      kind: 'L4labWorkshop',
      version: WORKSHOP_VERSION,
      instructorToken: this.identities.instructorToken,
      viewerToken: this.identities.viewerToken,
      joinCode: this.identities.joinCode,
      students: this.identities.students().map(({ lastSeen: _, ...s }) => s),
    };
    // Owner-only: it holds the instructor's and the projector's tokens.
    await writeFileAtomic(this.#file, `${JSON.stringify(file, null, 2)}\n`, 0o600);
  }
}

function checkWorkshopFile(v: unknown) {
  const f = v as Partial<WorkshopFile> | null;
  if (f?.kind !== 'L4labWorkshop') return { ok: false as const, reason: 'not an l4lab workshop' };
  if (f.version !== WORKSHOP_VERSION)
    return { ok: false as const, reason: `unknown version ${JSON.stringify(f.version)}` };
  const str = (x: unknown) => typeof x === 'string' && x.length >= 8;
  if (!str(f.instructorToken) || !str(f.viewerToken) || !str(f.joinCode))
    return { ok: false as const, reason: 'tokens missing' };
  if (
    !Array.isArray(f.students) ||
    !f.students.every(
      (s) =>
        typeof s?.name === 'string' &&
        labelProblem(s.name) === undefined &&
        typeof s.tokenDigest === 'string' &&
        /^[0-9a-f]{64}$/.test(s.tokenDigest) &&
        (s.rejoinDigest === undefined || /^[0-9a-f]{64}$/.test(String(s.rejoinDigest))) &&
        (s.moreTokenDigests === undefined ||
          (Array.isArray(s.moreTokenDigests) &&
            s.moreTokenDigests.every((d) => /^[0-9a-f]{64}$/.test(String(d))))) &&
        typeof s.joinedAt === 'string' &&
        Number.isInteger(s.slot) &&
        s.slot >= 0 &&
        s.slot < MAX_STUDENTS &&
        (s.extraNamespaces === undefined ||
          (Array.isArray(s.extraNamespaces) &&
            s.extraNamespaces.every(
              (n) => typeof n === 'string' && labelProblem(n) === undefined,
            ))),
    )
  )
    return { ok: false as const, reason: 'a student entry is damaged' };
  return {
    ok: true as const,
    value: {
      ...(f as WorkshopFile),
      students: f.students.map((s) => ({ ...s, namespace: s.name })),
    },
  };
}
