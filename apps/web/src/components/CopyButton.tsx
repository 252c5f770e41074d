import { useEffect, useState } from 'react';
import { copyText } from './copyText.ts';

/** `Copy` -> `Copied` (or `Select it and copy` when the browser refused), for 2 s. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className="copy-button"
      aria-label={`${label}: ${text}`}
      onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select it and copy' : label}
    </button>
  );
}
