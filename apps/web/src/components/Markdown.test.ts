import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown.tsx';

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));
/** The rendered markup without the wrapper div. */
const inner = (text: string) => html(text).replace(/^<div class="markdown">|<\/div>$/g, '');

describe('Markdown', () => {
  it('renders headings one level under the panel’s own', () => {
    expect(inner('# Run two pods\n## Why')).toBe(
      '<h3 class="md-h1">Run two pods</h3><h4 class="md-h2">Why</h4>',
    );
  });

  it('renders paragraphs with inline code, bold and italic', () => {
    expect(inner('The **new IP** of `my-nginx` is *random*.')).toBe(
      '<p>The <strong>new IP</strong> of <code>my-nginx</code> is <em>random</em>.</p>',
    );
  });

  it('renders a fenced block as pre/code with a Copy button', () => {
    const out = inner('```sh\nkubectl get pods -l run=my-nginx\n```');
    expect(out).toContain(
      '<pre data-lang="sh"><code>kubectl get pods -l run=my-nginx</code></pre>',
    );
    expect(out).toContain(
      '<button type="button" class="md-copy" aria-label="Copy the sh block">Copy</button>',
    );
  });

  it('renders lists, tight items without paragraphs, an ordered list from its start', () => {
    expect(inner('- one\n- two')).toBe('<ul><li>one</li><li>two</li></ul>');
    expect(inner('3. three\n4. four')).toBe('<ol start="3"><li>three</li><li>four</li></ol>');
    expect(inner('1. a\n   - b')).toBe('<ol><li>a<ul><li>b</li></ul></li></ol>');
  });

  it('renders links that open in a new tab, without the opener', () => {
    expect(inner('[Services](https://kubernetes.io/docs/concepts/services-networking/)')).toBe(
      '<p><a href="https://kubernetes.io/docs/concepts/services-networking/" target="_blank" rel="noopener noreferrer">Services</a></p>',
    );
  });

  it('renders quotes and rules', () => {
    expect(inner('> note\n\n***')).toBe('<blockquote><p>note</p></blockquote><hr/>');
  });

  it('shows HTML in the text as text, never as markup', () => {
    const md = [
      '# <img src=x onerror=alert(1)>',
      '<script>alert(1)</script> and <b>bold?</b>',
      '',
      '```html',
      '<div onclick="x()">',
      '```',
      '',
      '- <i>item</i>',
      '',
      '[<b>link</b>](https://example.com/)',
    ].join('\n');
    const out = inner(md);
    expect(out).not.toMatch(/<(img|script|b|i)[\s>]/);
    expect(out).not.toContain('<div onclick');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold?&lt;/b&gt;');
    expect(out).toContain('&lt;div onclick=&quot;x()&quot;&gt;');
    expect(out).toContain('<li>&lt;i&gt;item&lt;/i&gt;</li>');
    expect(out).toContain('>&lt;b&gt;link&lt;/b&gt;</a>');
  });

  it('does not make a link of javascript: or data: URLs', () => {
    const out = inner('[click](javascript:alert(1)) [d](data:text/html,x)');
    expect(out).not.toContain('<a');
    expect(out).toContain('[click](javascript:alert(1))');
  });
});
