// The JSON Schema the editor (monaco-yaml) uses for completion and hover, built from the same
// field lists the validator decodes with (schema.ts) and the API reference's descriptions
// (fieldDocs.ts), so the editor never proposes a field the validator would call unknown.
import { FIELD_DOCS, FIELD_ENUMS, FIELD_RANGES, KIND_DOCS } from './fieldDocs.ts';
import type { Schema } from './schema.ts';
import { KIND_SCHEMAS } from './schema.ts';
import { SERVED_KINDS } from './validate.ts';

/** The subset of JSON Schema (draft 7) the editor uses. */
export interface JsonSchema {
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  enum?: string[];
  required?: string[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  /** `int-or-string`, `quantity` (both a string or a number), `date-time`. */
  format?: string;
}

const SCALARS: Readonly<Record<string, JsonSchema>> = {
  string: { type: 'string' },
  int32: { type: 'integer' },
  int64: { type: 'integer' },
  bool: { type: 'boolean' },
  intOrString: { type: ['integer', 'string'], format: 'int-or-string' },
  quantity: { type: ['string', 'number'], format: 'quantity' },
  time: { type: 'string', format: 'date-time' },
  any: {},
};

function field(go: string, name: string, s: Schema): JsonSchema {
  const out: JsonSchema = { ...toJsonSchema(s) };
  const description = FIELD_DOCS[go]?.[name];
  if (description) out.description = description;
  const values = FIELD_ENUMS[go]?.[name];
  if (values) {
    if (out.items) out.items = { ...out.items, enum: [...values] };
    else out.enum = [...values];
  }
  const range = FIELD_RANGES[go]?.[name];
  if (range) {
    out.minimum = range[0];
    if (range[1] !== undefined) out.maximum = range[1];
  }
  return out;
}

export function toJsonSchema(s: Schema): JsonSchema {
  switch (s.t) {
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(
          Object.entries(s.fields).map(([name, f]) => [name, field(s.go, name, f)]),
        ),
      };
    case 'array':
      return { type: 'array', items: toJsonSchema(s.of) };
    case 'map':
      return { type: 'object', additionalProperties: toJsonSchema(s.of) };
    default:
      return SCALARS[s.t]!;
  }
}

function kindSchema(kind: string, apiVersion: string, properties: Record<string, JsonSchema>) {
  const docs = KIND_DOCS[kind]!;
  const described: Record<string, JsonSchema> = {};
  for (const [name, p] of Object.entries(properties)) {
    const description = docs.fields[name] ?? p.description;
    described[name] = description ? { ...p, description } : p;
  }
  described.apiVersion = { ...described.apiVersion, type: 'string', enum: [apiVersion] };
  described.kind = { ...described.kind, type: 'string', enum: [kind] };
  return {
    title: kind,
    description: docs.description,
    type: 'object',
    required: ['apiVersion', 'kind'],
    properties: described,
  } satisfies JsonSchema;
}

/**
 * One schema for any document of the editor: `oneOf` the kinds l4lab serves (each told apart by
 * its `kind` and `apiVersion`), or a `kind: List` of them.
 */
export function kubernetesJsonSchema(): JsonSchema {
  const kinds = Object.entries(SERVED_KINDS).map(([kind, apiVersion]) =>
    kindSchema(kind, apiVersion, toJsonSchema(KIND_SCHEMAS[kind]!).properties ?? {}),
  );
  const list = kindSchema('List', 'v1', {
    apiVersion: {},
    kind: {},
    metadata: { type: 'object' },
    items: { type: 'array', items: { oneOf: kinds } },
  });
  return { oneOf: [...kinds, list] };
}
