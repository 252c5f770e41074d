// Kubernetes field errors (k8s.io/apimachinery/pkg/util/validation/field): constructors and the exact
// `<path>: <Type>: <value>: <detail>` rendering of `field.Error.Error()`.
import type { FieldError } from './types.ts';

/**
 * A value Kubernetes prints with Go's `%#v` (structs, maps). The text is printed as is, e.g.
 * `map[string]string{"app":"web"}`.
 */
export class GoLiteral {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function required(path: string, detail = ''): FieldError {
  return detail ? { type: 'Required value', path, detail } : { type: 'Required value', path };
}

export function forbidden(path: string, detail: string): FieldError {
  return { type: 'Forbidden', path, detail };
}

export function invalid(path: string, value: unknown, detail: string): FieldError {
  return { type: 'Invalid value', path, value, detail };
}

/** `spec.ports: Too many: 101: must have at most 100 items` */
export function tooMany(path: string, actual: number, max: number): FieldError {
  return { type: 'Too many', path, value: actual, detail: `must have at most ${max} items` };
}

/** `spec.containers[0].volumeMounts[0].name: Not found: "typo"` */
export function notFound(path: string, value: unknown): FieldError {
  return { type: 'Not found', path, value };
}

export function duplicate(path: string, value: unknown): FieldError {
  return { type: 'Duplicate value', path, value };
}

export function notSupported(
  path: string,
  value: unknown,
  supported: readonly string[],
): FieldError {
  return {
    type: 'Unsupported value',
    path,
    value,
    supported: [...supported],
    detail: supportedDetail(supported),
  };
}

function supportedDetail(supported: readonly string[]): string {
  return supported.length === 0
    ? ''
    : `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`;
}

/** Go's `%q` for strings, `%v` for numbers and booleans, `null` for nil. */
export function formatValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value) ?? String(value);
}

/** The types whose message never shows the value (field.Error.ErrorBody). */
const VALUELESS: ReadonlySet<FieldError['type']> = new Set([
  'Required value',
  'Forbidden',
  'Too long',
]);

/** `spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"` */
export function formatFieldError(e: FieldError): string {
  let body: string = e.type;
  if (!VALUELESS.has(e.type) && 'value' in e) body += `: ${formatValue(e.value)}`;
  const detail = e.detail ?? (e.supported ? supportedDetail(e.supported) : '');
  if (detail) body += `: ${detail}`;
  return `${e.path}: ${body}`;
}

/** Joins a field path and a child: `spec` + `ports` -> `spec.ports`, `spec.ports` + `[0]` -> `spec.ports[0]`. */
export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
