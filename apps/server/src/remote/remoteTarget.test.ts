import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type LabConfig } from '../config.ts';
import { isKubernetesApiPath } from './kubeApiProxy.ts';
import { hostOf, loadKubeconfig } from './remoteTarget.ts';

// Addresses: only DATA here (kubeconfigs are read, never dialled).
const dir = mkdtempSync(join(tmpdir(), 'l4lab-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const TWO_CONTEXTS = `apiVersion: v1
kind: Config
clusters:
- name: kind-dev
  cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
users:
- name: dev
  user:
    token: abc
contexts:
- name: kind-dev
  context: {cluster: kind-dev, user: dev, namespace: team}
- name: no-server
  context: {cluster: gone, user: dev}
current-context: kind-dev
`;

describe('loadKubeconfig', () => {
  it("uses the current context, or --context, with its cluster's server and namespace", () => {
    const file = kubeconfig('two', TWO_CONTEXTS);
    const t = loadKubeconfig(file);
    expect({ context: t.context, server: t.server, namespace: t.namespace }).toEqual({
      context: 'kind-dev',
      server: 'https://127.0.0.1:6443',
      namespace: 'team',
    });
    expect(loadKubeconfig(file, 'kind-dev').client.server).toBe('https://127.0.0.1:6443');
  });

  it('says in one line what is wrong and how to fix it', () => {
    const file = kubeconfig('two-again', TWO_CONTEXTS);
    expect(() => loadKubeconfig(file, 'prod')).toThrow(
      'error: context "prod" does not exist (the kubeconfig has: kind-dev, no-server; --context NAME)',
    );
    expect(() => loadKubeconfig(file, 'no-server')).toThrow(
      `error: invalid configuration: no server found for cluster "gone" (context "no-server" in ${file})`,
    );
    expect(() => loadKubeconfig(join(dir, 'absent'))).toThrow(
      `error: stat ${join(dir, 'absent')}: no such file or directory`,
    );
    const noCurrent = kubeconfig(
      'no-current',
      TWO_CONTEXTS.replace('current-context: kind-dev\n', ''),
    );
    expect(() => loadKubeconfig(noCurrent)).toThrow(
      `error: current-context is not set in ${noCurrent}: pass --context NAME (the kubeconfig has: kind-dev, no-server)`,
    );
    const garbage = kubeconfig('garbage', 'clusters: [\n');
    expect(() => loadKubeconfig(garbage)).toThrow(`error: error loading config file "${garbage}"`);
  });

  it('names servers as kubectl does in its errors', () => {
    expect(hostOf('https://kind.example:6443')).toBe('kind.example:6443');
    expect(hostOf('https://api.example.com')).toBe('api.example.com:443');
    expect(hostOf('http://127.0.0.1')).toBe('127.0.0.1:80');
  });
});

describe('--kubeconfig and --context', () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    parseConfig(argv, env) as LabConfig;

  it('turn on remote mode, from the flags or L4LAB_KUBECONFIG / L4LAB_CONTEXT', () => {
    expect(parse(['--kubeconfig', '/k/config', '--context', 'kind-dev']).remote).toEqual({
      kubeconfig: '/k/config',
      context: 'kind-dev',
    });
    expect(parse([], { L4LAB_KUBECONFIG: '/k/config' }).remote).toEqual({
      kubeconfig: '/k/config',
    });
    expect(parse([]).remote).toBeUndefined();
  });

  it('refuse what shapes a local lab, and a context without a kubeconfig', () => {
    expect(() => parse(['--context', 'x'])).toThrow(ConfigError);
    expect(() => parse(['--kubeconfig', '/k', '--workshop'])).toThrow(
      '--workshop is not built yet in remote mode (--kubeconfig)',
    );
    expect(() => parse(['--kubeconfig', '/k', '--nodes', '5'])).toThrow(
      '--nodes shapes the local lab, which remote mode (--kubeconfig) does not run: drop it',
    );
    // An environment that sets a lab flag for every run does not stop remote mode.
    expect(parse(['--kubeconfig', '/k'], { L4LAB_RUNTIME: 'builtin' }).remote).toBeDefined();
    expect(() => parse(['--kubeconfig', '/k', '--dataplane', 'nftables'])).toThrow(
      '--dataplane shapes the local lab',
    );
  });
});

describe('isKubernetesApiPath', () => {
  it("tells the Kubernetes API's paths from the dashboard's /api calls", () => {
    for (const p of [
      '/api',
      '/api/v1/pods',
      '/apis/apps/v1/namespaces/x/deployments/y/scale',
      '/version',
      '/openapi/v2',
    ])
      expect(isKubernetesApiPath(p), p).toBe(true);
    for (const p of ['/api/apply', '/api/objects/pods', '/api/version', '/ws', '/', '/apiary'])
      expect(isKubernetesApiPath(p), p).toBe(false);
  });
});
