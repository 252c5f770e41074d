// A small block-style YAML writer for generated manifests: it writes what it is given, however
// wrong (NaN ports, empty keys, lone surrogates), where a YAML library would refuse or tidy it.

/** Words YAML 1.1 reads as something other than a string (kubectl's parser is YAML 1.1). */
const SPECIAL =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|-?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (v === Infinity) return '.inf';
    if (v === -Infinity) return '-.inf';
    return Object.is(v, -0) ? '-0' : String(v);
  }
  if (typeof v === 'boolean') return String(v);
  const s = String(v);
  return PLAIN.test(s) && !SPECIAL.test(s) ? s : JSON.stringify(s);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : isMap(v) && Object.keys(v).length === 0;
}

function lines(v: unknown, indent: string): string[] {
  if (Array.isArray(v)) {
    // A plain loop: a mutation may give the list its own `constructor`, which flatMap would call.
    const out: string[] = [];
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (isEmpty(item) || (!Array.isArray(item) && !isMap(item))) {
        out.push(`${indent}- ${flow(item)}`);
        continue;
      }
      const [first, ...rest] = lines(item, `${indent}  `);
      out.push(`${indent}- ${first!.trimStart()}`, ...rest);
    }
    return out;
  }
  if (isMap(v)) {
    return Object.entries(v).flatMap(([k, x]) =>
      isEmpty(x) || (!Array.isArray(x) && !isMap(x))
        ? [`${indent}${scalar(k)}: ${flow(x)}`]
        : [`${indent}${scalar(k)}:`, ...lines(x, `${indent}  `)],
    );
  }
  return [`${indent}${scalar(v)}`];
}

/** Empty collections and scalars on one line. */
function flow(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (isMap(v)) return '{}';
  return scalar(v);
}

/** One document in block style. */
export function toYaml(v: unknown): string {
  return lines(v, '').join('\n') + '\n';
}

/** Documents joined with `---`, as kubectl writes them. */
export function toMultiYaml(docs: unknown[]): string {
  return docs.map(toYaml).join('---\n');
}
