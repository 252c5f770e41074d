import { Fragment, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from '../lessons/markdown.ts';
import { copyText } from './copyText.ts';

// A lesson step's markdown as React elements. Every piece of text goes in as a string child, so
// whatever HTML a lesson holds is shown as text, never run as markup.

function renderInline(nodes: readonly Inline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.type) {
      case 'text':
        return n.text;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{renderInline(n.children)}</strong>;
      case 'em':
        return <em key={i}>{renderInline(n.children)}</em>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {renderInline(n.children)}
          </a>
        );
    }
  });
}

/** Markdown's `#` is the step's own title: it sits under the panel's heading, so one level down. */
function Heading({ level, children }: { level: number; children: ReactNode }) {
  const className = `md-h${level}`;
  if (level === 1) return <h3 className={className}>{children}</h3>;
  if (level === 2) return <h4 className={className}>{children}</h4>;
  if (level === 3) return <h5 className={className}>{children}</h5>;
  return <h6 className={className}>{children}</h6>;
}

type CopyState = 'idle' | 'copied' | 'select';

/** A fenced block with a Copy button: commands go to the student's own terminal as written. */
function CodeBlock({ lang, text }: { lang: string; text: string }) {
  const [state, setState] = useState<CopyState>('idle');
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(t);
  }, [state]);
  async function copy() {
    if (await copyText(text)) return setState('copied');
    // No clipboard (plain http to another machine): select the text for Ctrl+C.
    const node = pre.current?.querySelector('code');
    const selection = window.getSelection();
    if (node && selection) selection.selectAllChildren(node);
    setState('select');
  }
  return (
    <div className="md-code">
      <pre ref={pre} data-lang={lang || undefined}>
        <code>{text}</code>
      </pre>
      <button
        type="button"
        className="md-copy"
        onClick={() => void copy()}
        aria-label={lang ? `Copy the ${lang} block` : 'Copy the code block'}
      >
        {state === 'copied' ? 'Copied' : state === 'select' ? 'Selected: Ctrl+C' : 'Copy'}
      </button>
    </div>
  );
}

function renderBlock(b: Block, key: number): ReactNode {
  switch (b.type) {
    case 'heading':
      return (
        <Heading key={key} level={b.level}>
          {renderInline(b.children)}
        </Heading>
      );
    case 'paragraph':
      return <p key={key}>{renderInline(b.children)}</p>;
    case 'code':
      return <CodeBlock key={key} lang={b.lang} text={b.text} />;
    case 'quote':
      return <blockquote key={key}>{b.children.map(renderBlock)}</blockquote>;
    case 'rule':
      return <hr key={key} />;
    case 'list': {
      const items = b.items.map((item, i) => <li key={i}>{renderItem(item)}</li>);
      if (!b.ordered) return <ul key={key}>{items}</ul>;
      return (
        <ol key={key} start={b.start === 1 ? undefined : b.start}>
          {items}
        </ol>
      );
    }
  }
}

/** A tight item (one paragraph) is its text alone, without a paragraph's margins. */
function renderItem(blocks: readonly Block[]): ReactNode {
  const [first, ...rest] = blocks;
  if (first?.type !== 'paragraph') return blocks.map(renderBlock);
  return [
    <Fragment key={0}>{renderInline(first.children)}</Fragment>,
    ...rest.map((b, i) => renderBlock(b, i + 1)),
  ];
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      {blocks.map(renderBlock)}
    </div>
  );
}
