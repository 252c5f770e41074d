import { describe, expect, it } from 'vitest';
import { CONSOLE_PROMPT } from './kubectlConsole.ts';
import { LineEditor } from './lineEditor.ts';

/** Feeds keys one at a time, as xterm does for typing; returns the echo and what was submitted. */
function type(editor: LineEditor, keys: string[]) {
  let echo = '';
  const submitted: string[] = [];
  for (const k of keys) {
    const r = editor.input(k);
    echo += r.echo;
    if (r.submit) submitted.push(r.submit);
  }
  return { echo, submitted };
}

describe('the console line', () => {
  it('echoes exactly what was typed after a plain prompt: no doubled kubectl', () => {
    const command = 'kubectl get pods -l run=my-nginx -o wide';
    const { echo, submitted } = type(new LineEditor(), [...command, '\r']);
    expect(CONSOLE_PROMPT + echo).toBe(`$ ${command}\r\n`);
    expect(submitted).toEqual([command]);
  });

  it('erases with backspace and recalls history with up/down', () => {
    const ed = new LineEditor();
    type(ed, [...'get svc', '\r']);
    const r = type(ed, [...'get podx', '\x7f', 's', '\r']);
    expect(r.submitted).toEqual(['get pods']);
    expect(r.echo).toBe('get podx\b \bs\r\n');
    const up = ed.input('\x1b[A');
    expect(ed.line).toBe('get pods');
    expect(up.echo).toBe('get pods');
    ed.input('\x1b[A');
    expect(ed.line).toBe('get svc');
    ed.input('\x1b[B');
    ed.input('\x1b[B');
    expect(ed.line).toBe('');
  });

  it('runs a pasted line that ends in a newline; Ctrl+C drops the line', () => {
    const ed = new LineEditor();
    expect(ed.input('kubectl get svc my-nginx\n')).toEqual({
      echo: 'kubectl get svc my-nginx\r\n',
      submit: 'kubectl get svc my-nginx',
    });
    ed.input('get po');
    expect(ed.input('\x03')).toEqual({ echo: '^C\r\n', interrupt: true });
    expect(ed.line).toBe('');
    expect(ed.input('\r')).toEqual({ echo: '\r\n' });
  });
});
