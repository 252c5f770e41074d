import type { LabelSelector } from '@l4lab/protocol';

/** metav1.LabelSelector semantics: every matchLabels pair and every expression must hold. */
export function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string> = {},
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service's plain `selector` map (empty or missing selects nothing: no EndpointSlices). */
export function serviceSelects(
  selector: Record<string, string> | undefined,
  labels?: Record<string, string>,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return selectorMatches({ matchLabels: selector }, labels);
}

export function formatSelector(
  selector: LabelSelector | Record<string, string> | undefined,
): string {
  if (!selector) return '<none>';
  const ml =
    'matchLabels' in selector || 'matchExpressions' in selector
      ? ((selector as LabelSelector).matchLabels ?? {})
      : (selector as Record<string, string>);
  const parts = Object.entries(ml).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : '<none>';
}
