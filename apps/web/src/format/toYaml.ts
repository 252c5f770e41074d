// A small JSON -> YAML printer for showing objects (block style, like `kubectl get -o yaml`).

const PLAIN = /^[A-Za-z0-9_./-][A-Za-z0-9_ ./:-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~|-?\d+(\.\d+)?(e[+-]?\d+)?)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  if (s !== '' && PLAIN.test(s) && !RESERVED.test(s) && !s.endsWith(' ') && !s.includes(': ')) {
    return s;
  }
  return JSON.stringify(s);
}

function isEmpty(v: unknown): boolean {
  return (
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && Object.keys(v).length === 0)
  );
}

function lines(v: unknown, indent: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (typeof item === 'object' && item !== null && !isEmpty(item)) {
        const inner = lines(item, `${indent}  `);
        return [`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
      }
      return [`${indent}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`];
    });
  }
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).flatMap(([k, val]) => {
      const key = scalar(k);
      if (isEmpty(val)) return [`${indent}${key}: ${Array.isArray(val) ? '[]' : '{}'}`];
      if (typeof val === 'object' && val !== null) {
        return [`${indent}${key}:`, ...lines(val, Array.isArray(val) ? indent : `${indent}  `)];
      }
      return [`${indent}${key}: ${scalar(val)}`];
    });
  }
  return [`${indent}${scalar(v)}`];
}

export function toYaml(value: unknown): string {
  return `${lines(value, '').join('\n')}\n`;
}
