// The shape of l4lab's schemas: each field with its Go type, so values are decoded as the API
// server's JSON decoder decodes them and refused with its words (decode.ts), and unknown fields
// are found (kubectl's warn mode). Only `any` is not checked: raw JSON (FieldsV1) and status.

export type Schema =
  /** `go`: a named string type (`v1.Protocol`), as Go's messages name it; plain `string` else. */
  | { t: 'string'; go?: string }
  | { t: 'int32' | 'int64' | 'bool' | 'intOrString' | 'quantity' | 'time' | 'any' }
  | { t: 'object'; go: string; fields: Readonly<Record<string, Schema>> }
  | { t: 'array'; of: Schema }
  /** `go`: a named map type (`v1.ResourceList`). */
  | { t: 'map'; of: Schema; go?: string };

export type ObjectSchema = Extract<Schema, { t: 'object' }>;

export const str: Schema = { t: 'string' };
export const named = (go: string): Schema => ({ t: 'string', go });
export const int32: Schema = { t: 'int32' };
export const int64: Schema = { t: 'int64' };
export const bool: Schema = { t: 'bool' };
export const intOrString: Schema = { t: 'intOrString' };
/** resource.Quantity: `500m`, `64Mi`, or a number. */
export const quantity: Schema = { t: 'quantity' };
/** metav1.Time: an RFC 3339 string. */
export const time: Schema = { t: 'time' };
export const any: Schema = { t: 'any' };
export const arr = (of: Schema): Schema => ({ t: 'array', of });
export const map = (of: Schema): Schema => ({ t: 'map', of });
export const obj = (go: string, fields: Record<string, Schema>): ObjectSchema => ({
  t: 'object',
  go,
  fields,
});
export const strings = arr(str);
/** v1.ResourceList: quantities by resource name. */
export const resourceList: Schema = { t: 'map', of: quantity, go: 'v1.ResourceList' };
