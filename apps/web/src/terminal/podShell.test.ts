import { describe, expect, it } from 'vitest';
import { withKubectlHint } from './podShell.ts';

describe('withKubectlHint', () => {
  it("keeps the pod's own answer and says where kubectl runs", () => {
    expect(withKubectlHint('sh: kubectl: not found\n')).toBe(
      'sh: kubectl: not found (kubectl runs from your machine, not inside the pod: type exit, or choose "kubectl console" in the terminal)\n',
    );
    expect(withKubectlHint('sh: ls: not found\n')).toBe('sh: ls: not found\n');
  });
});
