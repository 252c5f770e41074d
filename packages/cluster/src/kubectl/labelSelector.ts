// kubectl's `-l` label selector (k8s.io/apimachinery/pkg/labels.Parse), the common forms:
// `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma-separated (AND).

export type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export function parseSelector(text: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p): Requirement => {
      const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(p);
      if (set) {
        const values = set[3]!.split(',').map((v) => v.trim());
        return { op: set[2] === 'in' ? 'in' : 'notin', key: set[1]!, values };
      }
      const neq = p.indexOf('!=');
      if (neq > 0)
        return { op: 'neq', key: p.slice(0, neq).trim(), value: p.slice(neq + 2).trim() };
      const eq = p.indexOf('=');
      if (eq > 0) {
        const value = p.slice(p[eq + 1] === '=' ? eq + 2 : eq + 1).trim();
        return { op: 'eq', key: p.slice(0, eq).trim(), value };
      }
      if (p.startsWith('!')) return { op: 'notexists', key: p.slice(1).trim() };
      return { op: 'exists', key: p };
    });
}

export function matchesSelector(reqs: Requirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.value;
      case 'neq':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}
