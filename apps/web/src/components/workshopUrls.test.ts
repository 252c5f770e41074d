import { describe, expect, it } from 'vitest';
import { joinCommands, kubeconfigFileName, powerShellKubeconfig } from './joinCommands.ts';
import { maskToken, otherJoinUrls, withoutScheme } from './workshopUrls.ts';

describe('workshop URLs on a screen the room may see', () => {
  it('hides the token of the projector URL, and nothing else', () => {
    expect(maskToken('http://10.0.0.5:7070/?token=abc123&x=1')).toBe(
      'http://10.0.0.5:7070/?token=••••••&x=1',
    );
    expect(maskToken('http://10.0.0.5:7070/?x=1&token=abc#f')).toBe(
      'http://10.0.0.5:7070/?x=1&token=••••••#f',
    );
    expect(maskToken('http://10.0.0.5:7070/join?code=42')).toBe(
      'http://10.0.0.5:7070/join?code=42',
    );
  });

  it('drops the scheme for large type, and lists the other addresses once', () => {
    expect(withoutScheme('http://10.0.0.5:7070/join?code=42')).toBe('10.0.0.5:7070/join?code=42');
    expect(otherJoinUrls('http://a/j', ['http://a/j', 'http://b/j', 'http://b/j'])).toEqual([
      'http://b/j',
    ]);
    expect(otherJoinUrls(undefined, undefined)).toEqual([]);
  });
});

describe("the join page's commands", () => {
  it("use the kubeconfig's download name and the tutorial's first file", () => {
    expect(kubeconfigFileName('alice')).toBe('l4lab-alice.kubeconfig');
    expect(joinCommands('alice')).toEqual([
      'export KUBECONFIG=~/Downloads/l4lab-alice.kubeconfig',
      'kubectl get pods',
      'kubectl apply -f pod_test.yaml',
    ]);
    expect(powerShellKubeconfig('alice')).toBe(
      '$env:KUBECONFIG = "$HOME\\Downloads\\l4lab-alice.kubeconfig"',
    );
  });
});
