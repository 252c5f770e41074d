import type { KubeObject, ManifestError } from '@l4lab/protocol';

/** One YAML document of a submitted text, as a plain object, with a way to find any field's position. */
export interface ParsedDocument {
  /** 0-based index of the document in the text. */
  index: number;
  /** The document's value (usually a plain object); undefined for an empty document. */
  value: unknown;
  /** 1-based line/column of the document's start. */
  line: number;
  column: number;
  /** 1-based line/column of a field path like `spec.ports[0].port` (nearest existing ancestor). */
  positionOf(path: string): { line: number; column: number };
}

export interface ParseResult {
  documents: ParsedDocument[];
  /** YAML syntax errors (code L4_E_YAML_SYNTAX); when non-empty, nothing may be applied. */
  errors: ManifestError[];
  /** Keys set twice in a map (L4_W_DUPLICATE_KEY): the later value is kept, as kubectl does. */
  warnings: ManifestError[];
}

/** Kubernetes' field error types (k8s.io/apimachinery/pkg/util/validation/field). */
export type FieldErrorType =
  | 'Required value'
  | 'Forbidden'
  | 'Invalid value'
  | 'Duplicate value'
  | 'Not found'
  | 'Unsupported value'
  | 'Too many'
  | 'Too long';

export interface FieldError {
  type: FieldErrorType;
  /** `spec.ports[0].nodePort` */
  path: string;
  /** The offending value, when the message shows one. */
  value?: unknown;
  detail?: string;
  /** Supported values, for `Unsupported value`. */
  supported?: string[];
}

export interface CheckedObject {
  object: KubeObject;
  document: number;
  line: number;
  column: number;
}

export interface CheckResult {
  /** Defaulted objects, in document order (a `kind: List` contributes its items). */
  objects: CheckedObject[];
  /** Syntax and validation errors; when non-empty, nothing may be applied. */
  errors: ManifestError[];
  /** Unknown fields and the like: reported, never blocking (kubectl's warn mode). */
  warnings: ManifestError[];
}
