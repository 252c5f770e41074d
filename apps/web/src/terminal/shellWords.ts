/** Splits a command line into words: whitespace separates, '...' and "..." group. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) words.push(cur);
      cur = '';
      has = false;
    } else cur += c;
  }
  if (has || cur) words.push(cur);
  return words;
}

/** Takes `-n ns` / `--namespace=ns` / `-A` out of the words. */
export function namespaceFlag(words: string[]): {
  rest: string[];
  namespace: string | undefined;
  all: boolean;
} {
  const rest: string[] = [];
  let namespace: string | undefined;
  let all = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-n' || w === '--namespace') namespace = words[++i];
    else if (w.startsWith('--namespace=')) namespace = w.slice(12);
    else if (w === '-A' || w === '--all-namespaces') all = true;
    else rest.push(w);
  }
  return { rest, namespace, all };
}
