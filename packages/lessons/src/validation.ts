// The small toolkit lesson.yaml is checked with: problems are collected with the path of the value
// they are about (the parser turns a path into a line), in the API server's words (`Required
// value`, `Unsupported value`, `unknown field`), so an author reads them as kubectl's.
import type { PathSegment } from './fieldPath.ts';

export interface Issue {
  /** Where in lesson.yaml: `['steps', 1, 'checks', 0, 'connections', 'outcome']`. */
  at: PathSegment[];
  message: string;
}

export type Fields = Record<string, unknown>;

/** `['steps', 1, 'title']` -> `steps[1].title`. */
export function pathText(at: readonly PathSegment[]): string {
  return at
    .map((s, i) =>
      typeof s === 'number'
        ? `[${s}]`
        : /^[A-Za-z_$][\w$-]*$/.test(s)
          ? i
            ? `.${s}`
            : s
          : `[${JSON.stringify(s)}]`,
    )
    .join('');
}

/** A value as an error message shows it: maps and lists by their kind, not their contents. */
function show(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'a map';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Collects the problems of one file. */
export class Problems {
  readonly issues: Issue[] = [];

  /** `message` about the value at `at`, said after its path (`steps[0].title: Required value`). */
  add(at: PathSegment[], message: string): undefined {
    this.issues.push({ at, message: at.length ? `${pathText(at)}: ${message}` : message });
    return undefined;
  }

  required(at: PathSegment[], what = ''): undefined {
    return this.add(at, `Required value${what ? `: ${what}` : ''}`);
  }

  invalid(at: PathSegment[], value: unknown, why: string): undefined {
    return this.add(at, `Invalid value: ${show(value)}: ${why}`);
  }

  unsupported(at: PathSegment[], value: unknown, supported: readonly string[]): undefined {
    const list = supported.map((s) => JSON.stringify(s)).join(', ');
    return this.add(at, `Unsupported value: ${show(value)}: supported values: ${list}`);
  }

  /** A map with only `allowed` keys (others are reported as unknown fields); else undefined. */
  map(value: unknown, at: PathSegment[], allowed: readonly string[]): Fields | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.invalid(at, value, 'must be a map');
    }
    for (const key of Object.keys(value)) {
      // strict decoding's words, which name the field themselves
      const field = [...at, key];
      if (!allowed.includes(key)) {
        this.issues.push({ at: field, message: `unknown field "${pathText(field)}"` });
      }
    }
    return value as Fields;
  }

  list(value: unknown, at: PathSegment[]): unknown[] | undefined {
    return Array.isArray(value) ? value : this.invalid(at, value, 'must be a list');
  }

  /** A non-empty string; `undefined` reported as required unless optional. */
  text(value: unknown, at: PathSegment[], optional = false): string | undefined {
    if (value === undefined || value === null) return optional ? undefined : this.required(at);
    if (typeof value !== 'string') return this.invalid(at, value, 'must be a string');
    if (value.trim() === '') return optional ? undefined : this.required(at);
    return value;
  }

  boolean(value: unknown, at: PathSegment[]): boolean | undefined {
    if (value === undefined) return undefined;
    return typeof value === 'boolean' ? value : this.invalid(at, value, 'must be true or false');
  }

  /** A whole number >= `least`, or undefined (absent or reported). */
  count(value: unknown, at: PathSegment[], least = 0): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.invalid(at, value, 'must be a whole number');
    }
    if (value < least) return this.invalid(at, value, `must be greater than or equal to ${least}`);
    return value;
  }

  /** One of `supported`, or undefined (absent or reported). */
  oneOf<T extends string>(
    value: unknown,
    at: PathSegment[],
    supported: readonly T[],
  ): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (supported as readonly string[]).includes(value)) {
      return value as T;
    }
    return this.unsupported(at, value, supported);
  }

  /** One value or a list of values of `supported`, as a list. */
  someOf<T extends string>(
    value: unknown,
    at: PathSegment[],
    supported: readonly T[],
  ): T[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      const one = this.oneOf(value, at, supported);
      return one === undefined ? undefined : [one];
    }
    if (value.length === 0) return this.required(at);
    const all = value.map((v, i) => this.oneOf(v, [...at, i], supported));
    return all.every((v) => v !== undefined) ? (all as T[]) : undefined;
  }
}

/** Kubernetes' RFC 1123 label rule, in its own words. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
