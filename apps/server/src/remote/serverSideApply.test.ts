import { describe, expect, it } from 'vitest';
import type { ApplyErrorResponse, ApplyResponse } from '@l4lab/protocol';
import type { KubeAnswer, KubeApi, KubeRequestOptions } from './kubeClient.ts';
import { ResourceMapper } from './resourceMapper.ts';
import { serverSideApply } from './serverSideApply.ts';

interface Sent {
  method: string;
  path: string;
  contentType?: string;
  body?: unknown;
}

/**
 * A fake API server: discovery for v1 and apps/v1, server-side apply that creates (201), keeps
 * the resourceVersion of an identical apply (200) and bumps it otherwise; refuses a Service
 * without ports (422, as the API server does) and answers with a Warning header when asked.
 */
class FakeApiServer implements KubeApi {
  readonly sent: Sent[] = [];
  readonly objects = new Map<string, { rv: number; body: string }>();
  down = false;
  #rv = 100;

  async request(method: string, path: string, o: KubeRequestOptions = {}): Promise<KubeAnswer> {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'));
    const body = o.body !== undefined ? (JSON.parse(o.body) as unknown) : undefined;
    this.sent.push({
      method,
      path,
      ...(o.contentType ? { contentType: o.contentType } : {}),
      ...(body ? { body } : {}),
    });
    const answer = (status: number, b: unknown, warnings: string[] = []) => ({
      status,
      body: b,
      warnings,
    });
    if (path === '/api/v1')
      return answer(200, {
        resources: [
          { name: 'services', kind: 'Service', namespaced: true },
          { name: 'namespaces', kind: 'Namespace', namespaced: false },
          { name: 'pods/log', kind: 'Pod', namespaced: true },
          { name: 'pods', kind: 'Pod', namespaced: true },
        ],
      });
    if (path === '/apis/apps/v1')
      return answer(200, {
        resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }],
      });
    if (path.startsWith('/apis/') && !path.includes('/namespaces/'))
      return answer(404, {
        kind: 'Status',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
      });
    const key = path.split('?')[0]!;
    const stored = this.objects.get(key);
    if (method === 'GET')
      return stored
        ? answer(200, { metadata: { resourceVersion: String(stored.rv) } })
        : answer(404, { kind: 'Status', message: 'not found', reason: 'NotFound' });
    const spec = body as { kind: string; metadata: { name: string }; spec?: { ports?: unknown[] } };
    if (spec.kind === 'Service' && !spec.spec?.ports?.length)
      return answer(422, {
        kind: 'Status',
        message: `Service "${spec.metadata.name}" is invalid: spec.ports: Required value`,
        reason: 'Invalid',
        details: {
          causes: [
            { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' },
          ],
        },
      });
    const text = o.body!;
    const warnings =
      spec.metadata.name === 'old' ? ['extensions/v1beta1 Deployment is deprecated'] : [];
    if (!stored) {
      this.objects.set(key, { rv: ++this.#rv, body: text });
      return answer(201, { metadata: { resourceVersion: String(this.#rv) } }, warnings);
    }
    if (stored.body !== text) this.objects.set(key, { rv: ++this.#rv, body: text });
    return answer(
      200,
      { metadata: { resourceVersion: String(this.objects.get(key)!.rv) } },
      warnings,
    );
  }
}

const NS_AND_DEPLOYMENT = `apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
`;

function applier() {
  const api = new FakeApiServer();
  const deps = { api, mapper: new ResourceMapper(api), namespace: 'team' };
  return { api, apply: (text: string) => serverSideApply(deps, text) };
}

describe('serverSideApply', () => {
  it("sends each document as a server-side apply (manager l4lab, no force), into the context's namespace", async () => {
    const { api, apply } = applier();
    const first = await apply(NS_AND_DEPLOYMENT);
    expect(first).toEqual({
      status: 200,
      body: {
        results: [
          { kind: 'Namespace', name: 'team', action: 'created' },
          { kind: 'Deployment', namespace: 'team', name: 'web', action: 'created' },
        ],
      },
    });
    const patches = api.sent.filter((s) => s.method === 'PATCH');
    expect(patches.map((p) => [p.path, p.contentType])).toEqual([
      [
        '/api/v1/namespaces/team?fieldManager=l4lab&force=false&fieldValidation=Strict',
        'application/apply-patch+yaml',
      ],
      [
        '/apis/apps/v1/namespaces/team/deployments/web?fieldManager=l4lab&force=false&fieldValidation=Strict',
        'application/apply-patch+yaml',
      ],
    ]);
    expect(patches[1]!.body).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2 },
    });
    // Discovery is asked once per group version.
    expect(api.sent.filter((s) => s.path === '/apis/apps/v1')).toHaveLength(1);

    const again = (await apply(NS_AND_DEPLOYMENT)) as { body: ApplyResponse };
    expect(again.body.results.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    const changed = (await apply(NS_AND_DEPLOYMENT.replace('replicas: 2', 'replicas: 3'))) as {
      body: ApplyResponse;
    };
    expect(changed.body.results.map((r) => r.action)).toEqual(['unchanged', 'configured']);
  });

  it('says which objects were applied before the API server refused one', async () => {
    const { apply } = applier();
    const text = `${NS_AND_DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n`;
    const answer = (await apply(text)) as { status: number; body: ApplyErrorResponse };
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      {
        message: 'Service "web" is invalid: spec.ports: Required value',
        path: 'spec.ports',
        line: 17, // no ports in the text: their parent, spec
        column: 1,
        document: 2,
        severity: 'error',
        code: 'L4_E_REMOTE_INVALID',
      },
      expect.objectContaining({
        message:
          'applied before this error (a cluster applies each object on its own, as kubectl apply does): namespace/team created, deployment/web created',
        severity: 'warning',
        code: 'L4_W_PARTLY_APPLIED',
      }),
    ]);
  });

  it('refuses, before sending anything, what kubectl refuses itself', async () => {
    const { api, apply } = applier();
    const noKind = await apply('apiVersion: v1\nmetadata:\n  name: x\n');
    expect(noKind).toEqual({
      status: 400,
      body: {
        errors: [
          expect.objectContaining({ message: 'error validating data: [kind not set]', line: 1 }),
        ],
      },
    });
    const noName = (await apply('apiVersion: v1\nkind: Service\nmetadata: {}\n')) as {
      body: ApplyErrorResponse;
    };
    expect(noName.body.errors[0]?.message).toBe('error: resource name may not be empty');
    const unknown = (await apply(
      `${NS_AND_DEPLOYMENT}---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n`,
    )) as {
      status: number;
      body: ApplyErrorResponse;
    };
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({
      message: expect.stringContaining('no matches for kind "Widget" in version "example.com/v1"'),
      line: 14,
      document: 2,
    });
    const syntax = await apply('kind: [\n');
    expect(syntax.status).toBe(400);
    const empty = await apply('# nothing\n');
    expect(empty.status).toBe(422);
    expect(api.sent.filter((s) => s.method === 'PATCH')).toEqual([]);
  });

  it("passes the API server's warnings on, and says when it cannot reach it", async () => {
    const { api, apply } = applier();
    const warned = (await apply(NS_AND_DEPLOYMENT.replace('name: web', 'name: old'))) as {
      body: ApplyResponse;
    };
    expect(warned.body.warnings).toEqual([
      expect.objectContaining({
        message: 'Warning: extensions/v1beta1 Deployment is deprecated',
        severity: 'warning',
        document: 1,
      }),
    ]);
    api.down = true;
    const down = (await apply(NS_AND_DEPLOYMENT)) as { status: number; body: ApplyErrorResponse };
    expect(down.status).toBe(503);
    expect(down.body.errors[0]?.message).toBe(
      'Unable to connect to the server: connect ECONNREFUSED 127.0.0.1:6443',
    );
  });
});
