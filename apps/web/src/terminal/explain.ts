import { kubernetesJsonSchema, type JsonSchema } from '@l4lab/manifests';
import { resourceTypeOf } from '@l4lab/protocol';

let schema: JsonSchema | undefined;

function typeName(s: JsonSchema): string {
  if (s.type === 'array') return `[]${s.items ? typeName(s.items) : 'Object'}`;
  if (s.additionalProperties) return `map[string]${typeName(s.additionalProperties)}`;
  // A string or a number: an int-or-string, or a resource quantity (`500m`, `64Mi`).
  if (Array.isArray(s.type)) return s.format === 'quantity' ? 'Quantity' : 'IntOrString';
  if (s.type === 'object' || s.properties) return 'Object';
  return s.type ?? 'Object';
}

function wrap(text: string, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if ((line + w).length > 76) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += `${w} `;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines.map((l) => indent + l).join('\n');
}

/** `kubectl explain svc.spec.sessionAffinity` from the editor's own schema (offline). */
export function explain(path: string): { stdout: string; stderr: string; exitCode: number } {
  schema ??= kubernetesJsonSchema();
  const [resource = '', ...fields] = path.split('.');
  const kind = resourceTypeOf(resource)?.kind;
  let node = schema.oneOf?.find((k) => k.title === kind);
  if (!node || !kind) {
    return {
      stdout: '',
      stderr: `error: the server doesn't have a resource type "${resource}"\n`,
      exitCode: 1,
    };
  }
  const version = node.properties?.apiVersion?.enum?.[0] ?? 'v1';
  for (const f of fields) {
    const inner: JsonSchema | undefined = node.type === 'array' ? node.items : node;
    const next: JsonSchema | undefined = inner?.properties?.[f];
    if (!next) {
      return { stdout: '', stderr: `error: field "${f}" does not exist\n`, exitCode: 1 };
    }
    node = next;
  }
  const [group, v] = version.includes('/') ? version.split('/') : ['', version];
  const out = [
    ...(group ? [`GROUP:      ${group}`] : []),
    `KIND:       ${kind}`,
    `VERSION:    ${v}`,
    '',
  ];
  if (fields.length) out.push(`FIELD: ${fields.at(-1)} <${typeName(node)}>`, '');
  out.push('DESCRIPTION:', wrap(node.description ?? '<empty>', '    '));
  if (node.enum)
    out.push('', '    Possible enum values:', ...node.enum.map((e) => `     - \`"${e}"\``));
  const props = (node.type === 'array' ? node.items : node)?.properties;
  if (props) {
    out.push('', 'FIELDS:');
    for (const [name, p] of Object.entries(props)) {
      out.push(`  ${name}\t<${typeName(p)}>`);
      if (p.description) out.push(wrap(p.description.split('\n')[0]!, '    '), '');
    }
  }
  return { stdout: `${out.join('\n')}\n`, stderr: '', exitCode: 0 };
}
