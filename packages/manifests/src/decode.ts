// Decoding a plain object the way the API server's JSON decoder does: values of the wrong type are
// errors worded like Go's (`cannot unmarshal string into Go struct field ServicePort.spec.ports.port
// of type int32`), nulls mean "unset", unknown fields are dropped and reported (kubectl warns).
import { child, index, invalid } from './fieldError.ts';
import type { ObjectSchema, Schema } from './schema.ts';
import type { FieldError } from './types.ts';

export interface DecodeResult {
  /** The decoded object: unknown fields and nulls removed. */
  value: Record<string, unknown>;
  /** Values the API server could not decode. */
  errors: FieldError[];
  /** Paths of fields the kind does not have, like `spec.foo` or `spec.ports[0].nmae`. */
  unknownFields: string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Ctx {
  errors: FieldError[];
  unknownFields: string[];
}

/** Where Go's decoder is: the innermost struct and the JSON field names leading to the value. */
interface GoPos {
  struct: string;
  fields: string;
}

export function decodeObject(value: Record<string, unknown>, schema: ObjectSchema): DecodeResult {
  const ctx: Ctx = { errors: [], unknownFields: [] };
  const decoded = decodeStruct(value, schema, '', '', ctx);
  return { value: decoded, ...ctx };
}

function decodeStruct(
  value: Record<string, unknown>,
  schema: ObjectSchema,
  path: string,
  goFields: string,
  ctx: Ctx,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const struct = unqualified(schema.go);
  for (const [key, v] of Object.entries(value)) {
    const fieldSchema = schema.fields[key];
    const fieldPath = child(path, key);
    if (!fieldSchema) {
      ctx.unknownFields.push(fieldPath);
      continue;
    }
    if (v === null || v === undefined) continue;
    const go = { struct, fields: goFields ? `${goFields}.${key}` : key };
    const decoded = decodeValue(v, fieldSchema, fieldPath, go, ctx);
    if (decoded !== undefined) out[key] = decoded;
  }
  return out;
}

function decodeValue(v: unknown, schema: Schema, path: string, go: GoPos, ctx: Ctx): unknown {
  if (v === null || v === undefined) return zero(schema);
  const mismatch = (): undefined => {
    const detail =
      `cannot unmarshal ${jsonType(v, schema)} into Go struct field ` +
      `${go.struct}.${go.fields} of type ${goType(schema)}`;
    ctx.errors.push(invalid(path, v, detail));
    return undefined;
  };
  switch (schema.t) {
    case 'any':
      return v;
    case 'string':
      return typeof v === 'string' ? v : mismatch();
    case 'bool':
      return typeof v === 'boolean' ? v : mismatch();
    case 'int32':
    case 'int64':
      return fitsInt(v, schema.t) ? v : mismatch();
    case 'intOrString':
      return typeof v === 'string' || fitsInt(v, 'int32') ? v : mismatch();
    case 'object':
      return isRecord(v) ? decodeStruct(v, schema, path, go.fields, ctx) : mismatch();
    case 'array':
      return Array.isArray(v)
        ? v.map((item, i) => decodeValue(item, schema.of, index(path, i), go, ctx))
        : mismatch();
    case 'map': {
      if (!isRecord(v)) return mismatch();
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        out[k] = decodeValue(item, schema.of, path, go, ctx);
      }
      return out;
    }
  }
}

function fitsInt(v: unknown, t: 'int32' | 'int64'): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) return false;
  return t === 'int64' ? Number.isSafeInteger(v) : v >= -2147483648 && v <= 2147483647;
}

/** Go's zero value, what a JSON null becomes inside a list or a map. */
function zero(schema: Schema): unknown {
  switch (schema.t) {
    case 'string':
      return '';
    case 'int32':
    case 'int64':
    case 'intOrString':
      return 0;
    case 'bool':
      return false;
    case 'object':
    case 'map':
      return {};
    case 'array':
      return [];
    case 'any':
      return null;
  }
}

/** The JSON value's kind as Go's UnmarshalTypeError names it. */
function jsonType(v: unknown, schema: Schema): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') {
    const intField = schema.t === 'int32' || schema.t === 'int64' || schema.t === 'intOrString';
    return intField ? `number ${v}` : 'number';
  }
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function goType(schema: Schema): string {
  switch (schema.t) {
    case 'string':
    case 'int32':
    case 'int64':
    case 'bool':
      return schema.t;
    case 'intOrString':
      return 'int32';
    case 'any':
      return 'interface {}';
    case 'object':
      return schema.go;
    case 'array':
      return `[]${goType(schema.of)}`;
    case 'map':
      return `map[string]${goType(schema.of)}`;
  }
}

function unqualified(goName: string): string {
  return goName.slice(goName.indexOf('.') + 1);
}
