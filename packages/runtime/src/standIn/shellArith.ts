/**
 * `$(( ... ))`: integers, variables by name, + - * / %, comparisons (1 or 0) and parentheses, as
 * loop counters use them (`i=$((i+1))`). Anything else is a syntax error, as sh says it.
 */
export function arithmetic(expr: string, valueOf: (name: string) => string | undefined): number {
  const tokens = expr.match(/\d+|[A-Za-z_]\w*|<=|>=|==|!=|&&|\|\||[-+*/%()<>!]|\S/g) ?? [];
  let i = 0;
  const fail = (): never => {
    throw new Error(`arithmetic syntax error: ${expr.trim()}`);
  };
  const peek = () => tokens[i];
  const primary = (): number => {
    const t = tokens[i++] ?? fail();
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') fail();
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '!') return primary() === 0 ? 1 : 0;
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) return Math.trunc(Number(valueOf(t) || 0)) || 0;
    return fail();
  };
  const binary = (next: () => number, ops: Record<string, (a: number, b: number) => number>) => {
    return (): number => {
      let v = next();
      for (let op = peek(); op !== undefined && op in ops; op = peek()) {
        i++;
        v = ops[op]!(v, next());
      }
      return v;
    };
  };
  const divide = (a: number, b: number) => (b === 0 ? fail() : Math.trunc(a / b));
  const mul = binary(primary, { '*': (a, b) => a * b, '/': divide, '%': (a, b) => a % b });
  const add = binary(mul, { '+': (a, b) => a + b, '-': (a, b) => a - b });
  const cmp = binary(add, {
    '<': (a, b) => +(a < b),
    '>': (a, b) => +(a > b),
    '<=': (a, b) => +(a <= b),
    '>=': (a, b) => +(a >= b),
    '==': (a, b) => +(a === b),
    '!=': (a, b) => +(a !== b),
  });
  const and = binary(cmp, { '&&': (a, b) => +(a !== 0 && b !== 0) });
  const or = binary(and, { '||': (a, b) => +(a !== 0 || b !== 0) });
  const v = or();
  if (i !== tokens.length) fail();
  return v;
}
