// Values Kubernetes prints with Go's `%#v`, rebuilt so messages match the real API server's.
import { GoLiteral } from './fieldError.ts';

const quote = (s: string): string => JSON.stringify(s);

/** `map[string]string{"app":"web"}` (keys sorted, as fmt does), `map[string]string(nil)` when unset. */
export function goStringMap(m: Record<string, string> | undefined): string {
  if (m === undefined) return 'map[string]string(nil)';
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${quote(k)}:${quote(m[k] ?? '')}`);
  return `map[string]string{${entries.join(', ')}}`;
}

export function goStringSlice(values: string[] | undefined): string {
  if (values === undefined) return '[]string(nil)';
  return `[]string{${values.map(quote).join(', ')}}`;
}

export interface SelectorShape {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

/** `v1.LabelSelector{MatchLabels:..., MatchExpressions:...}` */
export function goLabelSelector(s: SelectorShape): GoLiteral {
  const exprs = s.matchExpressions;
  const req = (r: { key?: string; operator?: string; values?: string[] }): string =>
    `v1.LabelSelectorRequirement{Key:${quote(r.key ?? '')}, Operator:${quote(r.operator ?? '')}, ` +
    `Values:${goStringSlice(r.values)}}`;
  const exprText =
    exprs === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${exprs.map(req).join(', ')}}`;
  return new GoLiteral(
    `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprText}}`,
  );
}

/** `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}` */
export function goIntOrString(v: number | string): GoLiteral {
  return typeof v === 'number'
    ? new GoLiteral(`intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`)
    : new GoLiteral(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${quote(v)}}`);
}

/** The key Kubernetes reports for a duplicate (protocol, port) pair. */
export function goServicePortKey(protocol: string, port: number): GoLiteral {
  return new GoLiteral(
    `core.ServicePort{Name:"", Protocol:${quote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, ` +
      'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  );
}
