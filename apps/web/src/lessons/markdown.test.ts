import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref, type Inline } from './markdown.ts';

const text = (t: string): Inline => ({ type: 'text', text: t });

describe('parseMarkdown: blocks', () => {
  it('reads ATX headings of every level, with closing hashes dropped', () => {
    expect(parseMarkdown('# Run two nginx pods\n### Why ##')).toEqual([
      { type: 'heading', level: 1, children: [text('Run two nginx pods')] },
      { type: 'heading', level: 3, children: [text('Why')] },
    ]);
    expect(parseMarkdown('#hashtag')[0]?.type).toBe('paragraph');
  });

  it('joins a paragraph’s lines and splits paragraphs at blank lines', () => {
    expect(parseMarkdown('one\ntwo\n\nthree')).toEqual([
      { type: 'paragraph', children: [text('one two')] },
      { type: 'paragraph', children: [text('three')] },
    ]);
  });

  it('keeps a fenced block verbatim, with its language, markdown and HTML inside untouched', () => {
    const md = 'Run:\n\n```sh\nkubectl apply -f pod_test.yaml\n  **not bold** <b>\n```\nAfter.';
    expect(parseMarkdown(md)).toEqual([
      { type: 'paragraph', children: [text('Run:')] },
      { type: 'code', lang: 'sh', text: 'kubectl apply -f pod_test.yaml\n  **not bold** <b>' },
      { type: 'paragraph', children: [text('After.')] },
    ]);
  });

  it('runs an unclosed fence to the end, and accepts ~~~ fences', () => {
    expect(parseMarkdown('```\na\nb')).toEqual([{ type: 'code', lang: '', text: 'a\nb' }]);
    expect(parseMarkdown('~~~yaml\nx: 1\n~~~')).toEqual([
      { type: 'code', lang: 'yaml', text: 'x: 1' },
    ]);
  });

  it('reads bullet and ordered lists, tight items as their text', () => {
    expect(parseMarkdown('- one\n- two *too*\n\n3. three\n4. four')).toEqual([
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [
          [{ type: 'paragraph', children: [text('one')] }],
          [
            {
              type: 'paragraph',
              children: [text('two '), { type: 'em', children: [text('too')] }],
            },
          ],
        ],
      },
      {
        type: 'list',
        ordered: true,
        start: 3,
        items: [
          [{ type: 'paragraph', children: [text('three')] }],
          [{ type: 'paragraph', children: [text('four')] }],
        ],
      },
    ]);
  });

  it('nests a list and a code block inside an item, and continues lazy lines', () => {
    const md = '1. Apply\n   - then look\n\n   ```sh\n   kubectl get pods\n   ```\n2. Next\nlazy';
    const [list] = parseMarkdown(md);
    expect(list).toMatchObject({ type: 'list', ordered: true });
    if (list?.type !== 'list') throw new Error('not a list');
    expect(list.items[0]).toEqual([
      { type: 'paragraph', children: [text('Apply')] },
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [[{ type: 'paragraph', children: [text('then look')] }]],
      },
      { type: 'code', lang: 'sh', text: 'kubectl get pods' },
    ]);
    expect(list.items[1]).toEqual([{ type: 'paragraph', children: [text('Next lazy')] }]);
  });

  it('lets a list interrupt a paragraph, but not a number that starts a sentence', () => {
    expect(parseMarkdown('Files:\n- a.yaml').map((b) => b.type)).toEqual(['paragraph', 'list']);
    expect(parseMarkdown('In\n2024. it ran').map((b) => b.type)).toEqual(['paragraph']);
  });

  it('reads block quotes and rules', () => {
    expect(parseMarkdown('> a note\n> on two lines\n\n---')).toEqual([
      { type: 'quote', children: [{ type: 'paragraph', children: [text('a note on two lines')] }] },
      { type: 'rule' },
    ]);
  });

  it('reads Windows line ends as line ends', () => {
    expect(parseMarkdown('# T\r\n\r\nx')).toHaveLength(2);
  });
});

describe('parseInline', () => {
  it('reads code spans, with markdown inside them left as it is', () => {
    expect(parseInline('run `kubectl get *pods*` now')).toEqual([
      text('run '),
      { type: 'code', text: 'kubectl get *pods*' },
      text(' now'),
    ]);
    expect(parseInline('`` a ` b ``')).toEqual([{ type: 'code', text: 'a ` b' }]);
    expect(parseInline('a ` alone')).toEqual([text('a ` alone')]);
  });

  it('reads bold and italic, nested, with * and _', () => {
    expect(parseInline('a **new IP** and *one* and __two__ _three_')).toEqual([
      text('a '),
      { type: 'strong', children: [text('new IP')] },
      text(' and '),
      { type: 'em', children: [text('one')] },
      text(' and '),
      { type: 'strong', children: [text('two')] },
      text(' '),
      { type: 'em', children: [text('three')] },
    ]);
    expect(parseInline('**bold *and italic***')).toEqual([
      {
        type: 'strong',
        children: [text('bold '), { type: 'em', children: [text('and italic')] }],
      },
    ]);
  });

  it('leaves lone stars and underscores inside words as text', () => {
    expect(parseInline('2 * 3 * 4')).toEqual([text('2 * 3 * 4')]);
    expect(parseInline('pod_test.yaml and service_test.yaml')).toEqual([
      text('pod_test.yaml and service_test.yaml'),
    ]);
    expect(parseInline('**not closed')).toEqual([text('**not closed')]);
  });

  it('reads links and autolinks to web pages', () => {
    expect(parseInline('see [the `Service` docs](https://kubernetes.io/docs/ "K8s")')).toEqual([
      text('see '),
      {
        type: 'link',
        href: 'https://kubernetes.io/docs/',
        children: [text('the '), { type: 'code', text: 'Service' }, text(' docs')],
      },
    ]);
    expect(parseInline('<http://127.0.0.1:7070/>')).toEqual([
      { type: 'link', href: 'http://127.0.0.1:7070/', children: [text('http://127.0.0.1:7070/')] },
    ]);
  });

  it('keeps a link to anything but a web page or mail as its written text', () => {
    expect(parseInline('[x](javascript:alert(1))')).toEqual([text('[x](javascript:alert(1))')]);
    expect(parseInline('[x](data:text/html,hi)')).toEqual([text('[x](data:text/html,hi)')]);
    expect(safeHref('java\tscript:alert(1)')).toBeUndefined();
    expect(safeHref('mailto:a@b.c')).toBe('mailto:a@b.c');
    expect(safeHref('/api/lessons')).toBeUndefined();
  });

  it('takes a backslash before punctuation as that character', () => {
    expect(parseInline('\\*not italic\\* \\`x\\`')).toEqual([text('*not italic* `x`')]);
  });

  it('reads HTML as text', () => {
    expect(parseInline('<b>hi</b> <script>alert(1)</script>')).toEqual([
      text('<b>hi</b> <script>alert(1)</script>'),
    ]);
  });
});
