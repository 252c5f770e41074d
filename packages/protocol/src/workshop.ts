// Workshop mode's wire types: who is asking (GET /api/whoami), joining as a student, the
// instructor's roster and progress board. Tokens never appear here except in the one answer that
// hands a student their own (POST /api/workshop/join).

/** The roles a token can carry. Without `--workshop` everyone who may reach the lab is `instructor`. */
export type WorkshopRole = 'instructor' | 'student' | 'viewer';

export interface WorkshopUser {
  /** `instructor`, `viewer`, or the student's name (their namespace). */
  name: string;
  role: WorkshopRole;
  /** A student's namespace: theirs to write, the one their views and kubeconfig start in. */
  namespace?: string;
  /**
   * Every namespace a student owns: theirs, and the ones the lessons create for them
   * (`<name>-nginx-ns`), which they may create, use and delete.
   */
  namespaces?: string[];
}

/** GET /api/whoami */
export interface WhoAmIResponse {
  user: WorkshopUser;
  /** Whether the lab runs `--workshop` (students can join). */
  workshop: boolean;
}

/** Per-student limits (ResourceQuota-like), refused with Kubernetes' `exceeded quota` wording. */
export interface StudentQuota {
  pods: number;
  services: number;
  /** Connections per second a student's traffic generators may ask for, all together. */
  trafficRate: number;
  /** Traffic generators a student may run at once. */
  generators?: number;
}

/** POST /api/workshop/join body (with the join code from the Join page's URL). */
export interface JoinRequest {
  code: string;
  /** A DNS-1123 label; absent: the next free `student-<n>`. */
  name?: string;
}

/** POST /api/workshop/join answer; the token is also set as the page's cookie. */
export interface JoinResponse {
  name: string;
  namespace: string;
  token: string;
  /**
   * The code that joins this student again from another device (`K7P2-QX9M`), shown once: at the
   * first join (not on a rejoin), or made anew by `POST /api/workshop/rejoin-code`.
   */
  rejoinCode?: string;
  /** This join was the student's again, from another device. */
  rejoined?: boolean;
  /** Where the kubeconfig downloads (GET, with the token). */
  kubeconfigUrl: string;
  /** The server URL the kubeconfig points at, as the student reached it. */
  server: string;
  quota: StudentQuota;
}

export interface StudentInfo {
  name: string;
  namespace: string;
  joinedAt: string;
  /** Browsers of this student on the WebSocket now. */
  viewers: number;
  /** The last request this student's token made (ISO time), from the browser or kubectl. */
  lastSeen?: string;
  /** Objects in the student's namespace now. */
  pods: number;
  services: number;
  /** Connections to the student's Services in the last 60 s. */
  connections: number;
}

/** GET /api/workshop (instructor and viewers). */
export interface WorkshopStatus {
  /** The URL students open (it carries the join code); absent for viewers. */
  joinUrl?: string;
  /** Other addresses of this machine the join page is reachable at (one per interface). */
  joinUrls?: string[];
  /** The projector's URL (a viewer token); instructor only. */
  viewerUrl?: string;
  students: StudentInfo[];
  /** Browsers connected per role. */
  connected: { instructor: number; student: number; viewer: number };
  quota: StudentQuota;
  /** The namespace the instructor spotlights on the projector, if any. */
  spotlight?: string;
}

/** GET /api/workshop/progress?lesson=ID: students x checks, evaluated now. */
export interface WorkshopProgress {
  lesson: string;
  checks: { step: number; id: string; title: string }[];
  students: { name: string; namespace: string; passed: string[]; detail: Record<string, string> }[];
}
