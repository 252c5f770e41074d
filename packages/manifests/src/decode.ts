// Decoding a plain object the way the API server's JSON decoder does: a value of the wrong type is
// refused with Go's words (`json: cannot unmarshal string into Go struct field ServicePort.spec.
// ports.port of type int32`), nulls mean "unset", unknown fields are dropped and reported (kubectl
// warns), quantities come out as the API server stores them (`cpu: 0.5` -> "500m"). Like Go's
// decoder it reports one error: the first type mismatch in the order kubectl sends the fields
// (sorted keys), unless a value's own decoder failed (IntOrString, Quantity, Time), which stops
// decoding at once.
import { canonicalQuantity } from './canonicalQuantity.ts';
import { child, index } from './fieldError.ts';
import { goTimeParseError } from './goTime.ts';
import { quantityError } from './quantity.ts';
import type { ObjectSchema, Schema } from './schemaTypes.ts';

export interface DecodeError {
  /** Field path of the value, for its line: `spec.ports[0].port`. */
  path: string;
  value: unknown;
  /** The decoder's message: `json: cannot unmarshal array into Go struct field ...`. */
  message: string;
}

export interface DecodeResult {
  /** The decoded object: unknown fields and nulls removed. */
  value: Record<string, unknown>;
  /** The value the API server could not decode, if any (it answers 400 BadRequest). */
  error?: DecodeError;
  /** Paths of fields the kind does not have, like `spec.foo` or `spec.ports[0].nmae`. */
  unknownFields: string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An error with where it is in the order kubectl sends the fields: sorted keys, list order. */
interface Found extends DecodeError {
  at: (string | number)[];
  /** The value's own UnmarshalJSON failed: Go stops there, earlier mismatches are forgotten. */
  fatal: boolean;
}

interface Ctx {
  found: Found[];
  unknownFields: string[];
}

/** Where Go's decoder is: the innermost struct and the JSON field names leading to the value. */
interface GoPos {
  struct: string;
  fields: string;
  at: (string | number)[];
}

export function decodeObject(value: Record<string, unknown>, schema: ObjectSchema): DecodeResult {
  const ctx: Ctx = { found: [], unknownFields: [] };
  const decoded = decodeStruct(value, schema, '', { struct: '', fields: '', at: [] }, ctx);
  const first = firstError(ctx.found);
  const result: DecodeResult = { value: decoded, unknownFields: ctx.unknownFields };
  if (first) result.error = { path: first.path, value: first.value, message: first.message };
  return result;
}

function firstError(found: Found[]): Found | undefined {
  const fatal = found.filter((f) => f.fatal);
  const candidates = fatal.length > 0 ? fatal : found;
  return candidates.reduce<Found | undefined>(
    (best, f) => (best === undefined || before(f.at, best.at) ? f : best),
    undefined,
  );
}

function before(a: (string | number)[], b: (string | number)[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    return a[i]! < b[i]!;
  }
  return a.length < b.length;
}

function decodeStruct(
  value: Record<string, unknown>,
  schema: ObjectSchema,
  path: string,
  go: GoPos,
  ctx: Ctx,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const struct = unqualified(schema.go);
  for (const [key, v] of Object.entries(value)) {
    const fieldSchema = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    const fieldPath = child(path, key);
    if (!fieldSchema) {
      ctx.unknownFields.push(fieldPath);
      continue;
    }
    if (v === null || v === undefined) continue;
    const pos = { struct, fields: go.fields ? `${go.fields}.${key}` : key, at: [...go.at, key] };
    const decoded = decodeValue(v, fieldSchema, fieldPath, pos, ctx);
    if (decoded !== undefined) out[key] = decoded;
  }
  return out;
}

function decodeValue(v: unknown, schema: Schema, path: string, go: GoPos, ctx: Ctx): unknown {
  if (v === null || v === undefined) return zero(schema);
  const fail = (message: string, fatal = false): undefined => {
    ctx.found.push({ path, value: v, message, at: go.at, fatal });
    return undefined;
  };
  const mismatch = (): undefined =>
    fail(
      `json: cannot unmarshal ${jsonType(v, schema)} into Go struct field ` +
        `${go.struct}.${go.fields} of type ${goType(schema)}`,
    );
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
      // IntOrString's UnmarshalJSON: a string, else an int32 by encoding/json, without context.
      if (typeof v === 'string' || fitsInt(v, 'int32')) return v;
      return fail(
        `json: cannot unmarshal ${jsonType(v, schema)} into Go value of type int32`,
        true,
      );
    case 'quantity': {
      // Stored as MarshalJSON writes it: `cpu: 0.5` comes back as "500m", `1` as "1".
      const problem = quantityError(v);
      return problem === undefined ? canonicalQuantity(v as string | number) : fail(problem, true);
    }
    case 'time': {
      if (typeof v !== 'string') {
        return fail(
          `json: cannot unmarshal ${jsonType(v, schema)} into Go value of type string`,
          true,
        );
      }
      const problem = goTimeParseError(v);
      return problem === undefined ? v : fail(problem, true);
    }
    case 'object':
      return isRecord(v) ? decodeStruct(v, schema, path, go, ctx) : mismatch();
    case 'array':
      return Array.isArray(v)
        ? v.map((item, i) =>
            decodeValue(item, schema.of, index(path, i), { ...go, at: [...go.at, i] }, ctx),
          )
        : mismatch();
    case 'map': {
      if (!isRecord(v)) return mismatch();
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        out[k] = decodeValue(item, schema.of, path, { ...go, at: [...go.at, k] }, ctx);
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
    case 'time':
      return '';
    case 'int32':
    case 'int64':
    case 'intOrString':
    case 'quantity':
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
      return schema.go ?? 'string';
    case 'int32':
    case 'int64':
    case 'bool':
      return schema.t;
    case 'intOrString':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    case 'time':
      return 'v1.Time';
    case 'any':
      return 'interface {}';
    case 'object':
      return schema.go;
    case 'array':
      return `[]${goType(schema.of)}`;
    case 'map':
      return schema.go ?? `map[string]${goType(schema.of)}`;
  }
}

function unqualified(goName: string): string {
  return goName.slice(goName.indexOf('.') + 1);
}
