// Workshop mode's calls: who am I, joining, a student's kubeconfig, the instructor's roster and
// spotlight, resetting or removing a student, and the class's progress on a lesson.
import express, { type Request, type Response, type Router } from 'express';
import type {
  JoinResponse,
  StudentInfo,
  WhoAmIResponse,
  WorkshopProgress,
  WorkshopStatus,
} from '@l4lab/protocol';
import type { Cluster } from '@l4lab/cluster';
import { sendError } from '../httpError.ts';
import { kubeconfigText } from '../kubeconfig.ts';
import { TOKEN_COOKIE, isLoopbackHost } from '../accessToken.ts';
import { checkResults, lessonFor, type LessonSources } from '../routes/lessonRoutes.ts';
import { userOf } from './dashboardPolicy.ts';
import { tokenOf } from './identities.ts';
import { JoinRefused, type Workshop } from './workshop.ts';

export interface WorkshopRouteDeps {
  /** Undefined outside workshop mode: only /whoami answers. */
  workshop: Workshop | undefined;
  cluster: Cluster;
  lessons: LessonSources;
  /** Browsers on the WebSocket now. */
  connected: () => { role: string; name: string }[];
  /** The port the lab listens on, and this machine's addresses, for the join URLs. */
  port: () => number;
  hostAddresses: readonly string[];
  /** The address the lab listens on (`--host`): a loopback lab is reached only as it is. */
  listenHost: string;
  /** Connections to a namespace's Services in the last minute. */
  recentConnections: (namespace: string) => number;
}

export function workshopRoutes(d: WorkshopRouteDeps): Router {
  const r = express.Router();
  r.get('/whoami', (_req, res) => {
    const body: WhoAmIResponse = { user: userOf(res), workshop: d.workshop !== undefined };
    res.json(body);
  });
  const workshop = d.workshop;
  if (!workshop) {
    r.use('/workshop', (_req, res) =>
      sendError(
        res,
        404,
        'L4_E_NOT_WORKSHOP',
        'this lab is not in workshop mode: start it with npm start -- --workshop',
      ),
    );
    return r;
  }

  r.post('/workshop/join', express.json({ limit: '4kb' }), async function join(req, res) {
    const body = (req.body ?? {}) as { code?: unknown; name?: unknown; rejoin?: unknown };
    if (typeof body.code !== 'string' || !workshop.identities.joinCodeMatches(body.code))
      return sendError(
        res,
        403,
        'L4_E_JOIN_CODE',
        'this join link is not valid: open the one on the projector (scan its QR code)',
      );
    if (body.name !== undefined && typeof body.name !== 'string')
      return sendError(res, 422, 'L4_E_BAD_NAME', 'name must be a string');
    if (body.rejoin !== undefined && (typeof body.rejoin !== 'string' || !body.name))
      return sendError(
        res,
        422,
        'L4_E_BAD_REJOIN',
        'rejoin must be a string, with the name of the student joining again',
      );
    try {
      const rejoin = body.rejoin as string | undefined;
      const { student, token, rejoinCode } = await workshop.join(body.name, rejoin);
      const server = serverUrlOf(req);
      const answer: JoinResponse = {
        name: student.name,
        namespace: student.namespace,
        token,
        ...(rejoinCode ? { rejoinCode } : {}),
        ...(rejoin !== undefined ? { rejoined: true } : {}),
        kubeconfigUrl: '/api/workshop/kubeconfig',
        server,
        quota: workshop.quota,
      };
      res.cookie(TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/' });
      res.status(rejoin !== undefined ? 200 : 201).json(answer);
    } catch (err) {
      if (err instanceof JoinRefused) return sendError(res, err.status, err.code, err.message);
      throw err;
    }
  });

  // A student's new rejoin code (their first one was shown once, at the join): for the joined page
  // of a browser that joined earlier. The one before stops working.
  r.post('/workshop/rejoin-code', async function rejoinCode(req, res) {
    const user = userOf(res);
    if (user.role !== 'student')
      return sendError(res, 403, 'L4_E_FORBIDDEN', "a rejoin code is a student's: join first");
    const code = await workshop.rotateRejoinCode(user.name);
    if (!code) return sendError(res, 404, 'L4_E_NO_STUDENT', `no student "${user.name}"`);
    res.json({ rejoinCode: code });
  });

  r.get('/workshop/kubeconfig', function kubeconfig(req, res) {
    const user = userOf(res);
    const token = tokenOf(req);
    if (user.role !== 'student' || !token)
      return sendError(
        res,
        403,
        'L4_E_FORBIDDEN',
        'a kubeconfig is made for a student: join the workshop first',
      );
    const text = kubeconfigText(serverUrlOf(req), token, {
      name: `l4lab-${user.namespace}`,
      namespace: user.namespace!,
      user: user.name,
    });
    res.type('application/yaml').attachment(`l4lab-${user.namespace}.kubeconfig`).send(text);
  });

  r.get('/workshop', function status(req, res) {
    const user = userOf(res);
    if (user.role === 'student')
      return sendError(
        res,
        403,
        'L4_E_FORBIDDEN',
        `User "${user.name}" cannot see the workshop's roster`,
      );
    const connected = d.connected();
    const count = (role: string) => connected.filter((c) => c.role === role).length;
    const students: StudentInfo[] = workshop.identities.students().map((s) => ({
      name: s.name,
      namespace: s.namespace,
      joinedAt: s.joinedAt,
      viewers: connected.filter((c) => c.role === 'student' && c.name === s.name).length,
      ...(s.lastSeen ? { lastSeen: new Date(s.lastSeen).toISOString() } : {}),
      pods: d.cluster.store.list('Pod', s.namespace).length,
      services: d.cluster.store.list('Service', s.namespace).length,
      connections: d.recentConnections(s.namespace),
    }));
    const base = serverUrlOf(req);
    const joinUrls = joinBases(req, d).map((b) => `${b}/join?code=${workshop.identities.joinCode}`);
    const body: WorkshopStatus = {
      students,
      connected: {
        instructor: count('instructor'),
        student: count('student'),
        viewer: count('viewer'),
      },
      quota: workshop.quota,
      ...(workshop.spotlight ? { spotlight: workshop.spotlight } : {}),
      ...(user.role === 'instructor'
        ? {
            joinUrl: joinUrls[0] ?? `${base}/join?code=${workshop.identities.joinCode}`,
            joinUrls,
            viewerUrl: `${joinBases(req, d)[0] ?? base}/?token=${workshop.identities.viewerToken}`,
          }
        : {
            joinUrl: joinUrls[0] ?? `${base}/join?code=${workshop.identities.joinCode}`,
            joinUrls,
          }),
    };
    res.json(body);
  });

  r.put('/workshop/spotlight', express.json({ limit: '4kb' }), function spotlight(req, res) {
    if (!instructorOnly(res)) return;
    const ns = (req.body as { namespace?: unknown } | undefined)?.namespace;
    if (ns !== null && (typeof ns !== 'string' || !workshop.isStudentNamespace(ns)))
      return sendError(
        res,
        422,
        'L4_E_BAD_NAMESPACE',
        "namespace must be a student's namespace, or null to end the spotlight",
      );
    workshop.spotlight = ns ?? undefined;
    res.json({ spotlight: workshop.spotlight ?? null });
  });

  r.post('/workshop/students/:name/reset', function reset(req, res) {
    if (!instructorOnly(res)) return;
    if (!workshop.reset(req.params.name))
      return sendError(res, 404, 'L4_E_NOT_FOUND', `student "${req.params.name}" not found`);
    res.json({ reset: req.params.name });
  });

  r.delete('/workshop/students/:name', async function remove(req, res) {
    if (!instructorOnly(res)) return;
    if (!(await workshop.remove(req.params.name)))
      return sendError(res, 404, 'L4_E_NOT_FOUND', `student "${req.params.name}" not found`);
    res.json({ removed: req.params.name });
  });

  r.get('/workshop/progress', function progress(req, res) {
    const user = userOf(res);
    if (user.role === 'student')
      return sendError(
        res,
        403,
        'L4_E_FORBIDDEN',
        `User "${user.name}" cannot see the class's progress`,
      );
    const lesson = d.lessons.lessons.find((l) => l.id === req.query.lesson);
    if (!lesson)
      return sendError(
        res,
        404,
        'L4_E_NOT_FOUND',
        `lesson "${String(req.query.lesson ?? '')}" not found`,
      );
    const body: WorkshopProgress = {
      lesson: lesson.id,
      checks: lesson.steps.flatMap((s, i) =>
        s.checks.map((c) => ({ step: i + 1, id: c.id, title: c.title })),
      ),
      students: workshop.identities.students().map((s) => {
        const results = checkResults(
          lessonFor(lesson, s.namespace, d.lessons),
          s.namespace,
          undefined,
          d.lessons,
        );
        return {
          name: s.name,
          namespace: s.namespace,
          passed: results.filter((x) => x.passed).map((x) => x.id),
          detail: Object.fromEntries(
            results.filter((x) => !x.passed).map((x) => [x.id, x.detail ?? '']),
          ),
        };
      }),
    };
    res.json(body);
  });
  return r;
}

function instructorOnly(res: Response): boolean {
  const user = userOf(res);
  if (user.role === 'instructor') return true;
  sendError(
    res,
    403,
    'L4_E_FORBIDDEN',
    `User "${user.name}" cannot manage the workshop: the instructor can`,
  );
  return false;
}

/** The lab's URL as this request reached it (what a student's kubectl can reach too). */
function serverUrlOf(req: Request): string {
  const host = req.headers.host ?? `127.0.0.1`;
  return `http://${host}`;
}

/** Where students can reach this lab: each of this machine's addresses, else as reached. */
function joinBases(req: Request, d: WorkshopRouteDeps): string[] {
  const asReached = serverUrlOf(req);
  const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
  const loopback = hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
  if (!loopback || isLoopbackHost(d.listenHost)) return [asReached];
  return d.hostAddresses.length > 0
    ? d.hostAddresses.map((a) => `http://${a}:${d.port()}`)
    : [asReached];
}
