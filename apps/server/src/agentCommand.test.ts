// The parts of `l4lab agent` that need no cluster: which kubeconfig, kubectl's object names, the
// manifests it applies, and the command lines it refuses (exit 2, before any file is read).
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { agentCommand, agentObjects, kubeconfigPath, kubectlName } from './agentCommand.ts';

describe('kubeconfigPath', () => {
  it('--kubeconfig, else $KUBECONFIG, else ~/.kube/config, as kubectl', () => {
    expect(kubeconfigPath('/etc/k.yaml', { KUBECONFIG: '/x' })).toBe('/etc/k.yaml');
    expect(kubeconfigPath('~/k', {})).toBe(`${homedir()}/k`);
    expect(kubeconfigPath(undefined, { KUBECONFIG: '/x/config' })).toBe('/x/config');
    expect(kubeconfigPath(undefined, { KUBECONFIG: '', HOME: '/home/ann' })).toBe(
      '/home/ann/.kube/config',
    );
  });

  it('refuses a KUBECONFIG listing several files (kubectl merges them; l4lab does not)', () => {
    expect(kubeconfigPath(undefined, { KUBECONFIG: '/a:/b' })).toEqual({
      error:
        'KUBECONFIG lists 2 files, which kubectl merges and l4lab does not: pass --kubeconfig PATH',
    });
  });
});

describe("the agent's objects", () => {
  it("are agent.yaml's, in its order, named as kubectl names them", () => {
    expect(agentObjects().map(kubectlName)).toEqual([
      'namespace/l4lab-system',
      'serviceaccount/l4lab-agent',
      'clusterrole.rbac.authorization.k8s.io/l4lab-agent',
      'clusterrolebinding.rbac.authorization.k8s.io/l4lab-agent',
      'daemonset.apps/l4lab-agent',
    ]);
  });

  it('--image replaces the DaemonSet container image, and nothing else', () => {
    const plain = agentObjects();
    const moved = agentObjects('registry.example/agent:1');
    const image = (o: unknown) =>
      (o as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template
        .spec.containers[0]!.image;
    expect(image(plain[4])).toBe('l4lab/agent:0.1.0');
    expect(image(moved[4])).toBe('registry.example/agent:1');
    expect(moved.slice(0, 4)).toEqual(plain.slice(0, 4));
  });
});

describe('l4lab agent command lines', () => {
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await agentCommand(
      args,
      (l) => out.push(l),
      (l) => err.push(l),
      {
        KUBECONFIG: '/nonexistent/l4lab-test-kubeconfig',
      },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('--help: the usage, exit 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: l4lab agent install\|uninstall/);
  });

  it('refuses what it does not know, exit 2', async () => {
    expect((await run()).err).toMatch(/^l4lab agent: install or uninstall\?/);
    expect((await run('deploy')).err).toMatch(/^l4lab agent: unknown command "deploy"/);
    expect((await run('install', '--force')).err).toMatch(/^l4lab agent: Unknown option '--force'/);
    expect((await run('uninstall', '--rotate-token')).err).toBe(
      'l4lab agent: --rotate-token is for install',
    );
    expect((await run('uninstall', '--image', 'x')).err).toBe(
      'l4lab agent: --image is for install',
    );
    for (const args of [[], ['deploy'], ['install', '--force'], ['uninstall', '--image', 'x']])
      expect((await run(...args)).code).toBe(2);
  });

  it('a kubeconfig that is not there: one line, exit 1', async () => {
    const r = await run('install');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: stat /nonexistent/l4lab-test-kubeconfig: no such file or directory (--kubeconfig: pass the path of a kubeconfig, e.g. ~/.kube/config)',
    );
  });
});
