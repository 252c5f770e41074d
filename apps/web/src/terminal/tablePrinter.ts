// kubectl's printing of what the API answers: a meta.k8s.io/v1 Table as `kubectl get` lays it out
// (upper-case headers, priority-1 columns with -o wide only, NAMESPACE first with -A, LABELS last
// with --show-labels, columns padded as Go's tabwriter pads them), and objects as -o json / yaml /
// name print them.
import { toYaml } from '../format/toYaml.ts';

export interface TableColumn {
  name: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };
}

export interface Table {
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export interface TableOptions {
  wide: boolean;
  /** -A: a NAMESPACE column first. */
  withNamespace: boolean;
  showLabels: boolean;
  /** `pod/`: names prefixed with their type (`kubectl get all`, several types). */
  namePrefix?: string;
}

/** Whether an answer is a Table (what the API returns for kubectl's Accept). */
export function isTable(v: unknown): v is Table {
  const t = v as Partial<Table> | undefined;
  return Array.isArray(t?.columnDefinitions) && Array.isArray(t?.rows);
}

/** kubectl get's tabwriter: minwidth 6, padding 3; the last cell of a line is not padded. */
export function tabwrite(lines: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const line of lines) {
    line.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 6, [...cell].length + 3);
    });
  }
  return lines
    .map((line) =>
      line.map((cell, i) => (i < line.length - 1 ? cell.padEnd(widths[i]!) : cell)).join(''),
    )
    .map((l) => `${l}\n`)
    .join('');
}

/** A cell as kubectl prints it (`fmt.Sprint`): `<none>` for a missing value. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function labelsText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** The rows of a Table as kubectl prints them, headers first. */
export function printTable(t: Table, o: TableOptions): string {
  const shown = t.columnDefinitions
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => o.wide || !c.priority);
  const nameColumn = t.columnDefinitions.findIndex((c) => c.name === 'Name');
  const header = [
    ...(o.withNamespace ? ['NAMESPACE'] : []),
    ...shown.map(({ c }) => c.name.toUpperCase()),
    ...(o.showLabels ? ['LABELS'] : []),
  ];
  const rows = t.rows.map((r) => [
    ...(o.withNamespace ? [r.object?.metadata?.namespace ?? ''] : []),
    ...shown.map(({ i }) =>
      i === nameColumn && o.namePrefix
        ? `${o.namePrefix}/${cellText(r.cells[i])}`
        : cellText(r.cells[i]),
    ),
    ...(o.showLabels ? [labelsText(r.object?.metadata?.labels)] : []),
  ]);
  return tabwrite([header, ...rows]);
}

/** Map keys in order, as Go's encoders write a map (kubectl prints objects so). */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/** `-o json` (four spaces, as kubectl indents) or `-o yaml`. */
export function printObject(v: unknown, format: 'json' | 'yaml'): string {
  const sorted = sortKeys(v);
  return format === 'json' ? `${JSON.stringify(sorted, null, 4)}\n` : toYaml(sorted);
}

/** What kubectl prints for several objects with -o json / yaml: one `List`. */
export function listOf(items: unknown[]): unknown {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}
