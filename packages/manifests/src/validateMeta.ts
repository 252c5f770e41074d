// ObjectMeta, labels, annotations and label selectors (apimachinery's metav1 validation).
import { child, forbidden, index, invalid, required } from './fieldError.ts';
import type { SelectorShape } from './goLiteral.ts';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, maskTrailingDash } from './names.ts';
import type { FieldError } from './types.ts';

export type NameCheck = (name: string) => string[];

export interface MetaShape {
  name?: string;
  generateName?: string;
  namespace?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export type { SelectorShape };

export function validateObjectMeta(
  meta: MetaShape,
  namespaced: boolean,
  nameCheck: NameCheck,
  path = 'metadata',
): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const msg of nameCheck(maskTrailingDash(meta.generateName))) {
      errs.push(invalid(child(path, 'generateName'), meta.generateName, msg));
    }
  }
  if (!meta.name) {
    errs.push(required(child(path, 'name'), 'name or generateName is required'));
  } else {
    for (const msg of nameCheck(meta.name)) errs.push(invalid(child(path, 'name'), meta.name, msg));
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(required(child(path, 'namespace')));
    else
      for (const msg of isDNS1123Label(meta.namespace)) {
        errs.push(invalid(child(path, 'namespace'), meta.namespace, msg));
      }
  } else if (meta.namespace) {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  if (meta.generation !== undefined && meta.generation < 0) {
    errs.push(invalid(child(path, 'generation'), meta.generation, NEGATIVE));
  }
  errs.push(...validateLabels(meta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  return errs;
}

export const NEGATIVE = 'must be greater than or equal to 0';

export function validateNonnegative(value: number | undefined, path: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, NEGATIVE)] : [];
}

export function validateLabels(
  labels: Record<string, string> | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
  }
  return errs;
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function validateLabelSelector(s: SelectorShape, path: string): FieldError[] {
  const errs = validateLabels(s.matchLabels, child(path, 'matchLabels'));
  (s.matchExpressions ?? []).forEach((r, i) => {
    const rPath = index(child(path, 'matchExpressions'), i);
    const values = r.values ?? [];
    const op = r.operator ?? '';
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) {
        errs.push(
          required(child(rPath, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"),
        );
      }
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(
          forbidden(
            child(rPath, 'values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
    } else {
      errs.push(invalid(child(rPath, 'operator'), op, 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(r.key ?? ''))
      errs.push(invalid(child(rPath, 'key'), r.key ?? '', msg));
    values.forEach((v, vi) => {
      for (const msg of isValidLabelValue(v))
        errs.push(invalid(index(child(rPath, 'values'), vi), v, msg));
    });
  });
  return errs;
}

/** Whether metav1.LabelSelectorAsSelector accepts the selector (known operators, valid keys). */
export function selectorParses(s: SelectorShape): boolean {
  const validLabels = Object.entries(s.matchLabels ?? {}).every(
    ([k, v]) => isQualifiedName(k).length === 0 && isValidLabelValue(v).length === 0,
  );
  const validValues = (values: string[] | undefined): boolean =>
    (values ?? []).every((v) => isValidLabelValue(v).length === 0);
  return (
    validLabels &&
    (s.matchExpressions ?? []).every(
      (r) =>
        OPERATORS.has(r.operator ?? '') &&
        isQualifiedName(r.key ?? '').length === 0 &&
        (r.operator === 'In' || r.operator === 'NotIn'
          ? (r.values ?? []).length > 0
          : (r.values ?? []).length === 0) &&
        validValues(r.values),
    )
  );
}

export function selectorIsEmpty(s: SelectorShape): boolean {
  return Object.keys(s.matchLabels ?? {}).length + (s.matchExpressions ?? []).length === 0;
}

/** labels.Selector.Matches for a selector that parses. */
export function selectorMatches(
  s: SelectorShape,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(l, k);
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (!has(k) || l[k] !== v) return false;
  for (const r of s.matchExpressions ?? []) {
    const key = r.key ?? '';
    const values = r.values ?? [];
    const ok =
      r.operator === 'In'
        ? has(key) && values.includes(l[key] ?? '')
        : r.operator === 'NotIn'
          ? !has(key) || !values.includes(l[key] ?? '')
          : r.operator === 'Exists'
            ? has(key)
            : !has(key);
    if (!ok) return false;
  }
  return true;
}
