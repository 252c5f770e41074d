import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkResultsOf,
  fetchLessonChecks,
  fetchWorkshopProgress,
  lessonListOf,
  NOT_WORKSHOP_MESSAGE,
  workshopProgressOf,
} from './lessonsApi.ts';

/** fetch answering one status and JSON body, remembering the URLs asked. */
function answer(status: number, body: unknown) {
  const urls: string[] = [];
  vi.stubGlobal('fetch', (url: string) => {
    urls.push(url);
    return Promise.resolve(new Response(JSON.stringify(body), { status }));
  });
  return urls;
}

afterEach(() => vi.unstubAllGlobals());

describe('lesson answers', () => {
  it('reads the lesson list, dropping what does not fit', () => {
    const body = {
      items: [
        {
          id: 'clusterip',
          title: 'ClusterIP',
          summary: 'One address.',
          steps: [
            {
              title: 'Run two nginx pods',
              text: '# Run',
              files: [{ name: 'pod_test.yaml', text: 'kind: Deployment' }, { name: 3 }],
              checks: [{ id: 'pods-ready', title: 'Two pods' }],
            },
          ],
        },
        { id: 'no-steps', title: 'x', steps: [] },
        'junk',
      ],
    };
    expect(lessonListOf(body)).toEqual([
      {
        id: 'clusterip',
        title: 'ClusterIP',
        summary: 'One address.',
        steps: [
          {
            title: 'Run two nginx pods',
            text: '# Run',
            files: [{ name: 'pod_test.yaml', text: 'kind: Deployment' }],
            checks: [{ id: 'pods-ready', title: 'Two pods' }],
          },
        ],
      },
    ]);
    expect(lessonListOf({ lessons: [] })).toBeUndefined();
  });

  it('reads check results and the board', () => {
    expect(
      checkResultsOf({
        results: [{ step: 1, id: 'a', title: 'A', passed: true, detail: '2 pods' }, { id: 'b' }],
      }),
    ).toEqual([{ step: 1, id: 'a', title: 'A', passed: true, detail: '2 pods' }]);
    expect(
      workshopProgressOf({
        lesson: 'clusterip',
        checks: [{ step: 1, id: 'a', title: 'A' }],
        students: [{ name: 's', namespace: 's', passed: ['a', 1], detail: { b: 'no', c: 2 } }],
      }),
    ).toEqual({
      lesson: 'clusterip',
      checks: [{ step: 1, id: 'a', title: 'A' }],
      students: [{ name: 's', namespace: 's', passed: ['a'], detail: { b: 'no' } }],
    });
  });
});

describe('lesson calls', () => {
  it('asks for one step of the checks in one namespace', async () => {
    const urls = answer(200, { lesson: 'clusterip', namespace: 'student-1', results: [] });
    expect(await fetchLessonChecks('clusterip', 'student-1', 2)).toEqual({ ok: true, value: [] });
    expect(urls).toEqual(['/api/lessons/clusterip/checks?namespace=student-1&step=2']);
  });

  it('says the server’s words when the checks are refused', async () => {
    answer(403, { errors: [{ message: 'namespaces "x" is forbidden', code: 'L4_E_FORBIDDEN' }] });
    expect(await fetchLessonChecks('clusterip', 'x', 1)).toEqual({
      ok: false,
      message: 'namespaces "x" is forbidden',
    });
  });

  it('reads a 404 of the board as a lab without workshop mode', async () => {
    answer(404, { errors: [{ message: 'no such API call: GET /api/workshop/progress' }] });
    expect(await fetchWorkshopProgress('clusterip')).toEqual({
      ok: false,
      notWorkshop: true,
      message: NOT_WORKSHOP_MESSAGE,
    });
    answer(404, { errors: [{ message: 'not in workshop mode', code: 'L4_E_NOT_WORKSHOP' }] });
    expect(await fetchWorkshopProgress('clusterip')).toMatchObject({ notWorkshop: true });
  });

  it('reads a 404 for the lesson itself as that', async () => {
    answer(404, { errors: [{ message: 'lesson "gone" not found', code: 'L4_E_NOT_FOUND' }] });
    expect(await fetchWorkshopProgress('gone')).toEqual({
      ok: false,
      message: 'lesson "gone" not found',
    });
  });
});
