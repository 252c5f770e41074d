// Server-side printing: a meta.k8s.io/v1 Table, what kubectl asks for (`Accept: ...;as=Table`) and
// prints as is. The columns are the printers the dashboard's kubectl view uses (one set of printers).
import type { KubeEvent, KubeObject } from '@l4lab/protocol';
import { age } from '@l4lab/cluster';
import type { Printer } from '@l4lab/cluster';
import type { ApiObject } from './objects.ts';

/** `Accept: application/json;as=Table;v=v1;g=meta.k8s.io, ...`: the client wants a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => /;\s*as=Table\b/.test(part) && /;\s*g=meta\.k8s\.io\b/.test(part));
}

/**
 * `?includeObject=`: what each row carries besides its cells: the object's metadata (`Metadata`,
 * the default), the whole object (`Object`: kubectl's `--sort-by` reads it) or nothing (`None`).
 */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectOf(value: unknown): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function rowObject(item: ApiObject, include: IncludeObject) {
  if (include === 'None') return null;
  if (include === 'Object') return item;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata };
}

/** `NOMINATED NODE` -> `Nominated Node` (the API's column names; kubectl prints them upper case). */
function columnName(header: string): string {
  return header
    .toLowerCase()
    .replace(/(^|[\s-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())
    .replace(/\bIp\b/g, 'IP'); // `Cluster-IP`, `External-IP`, `IP`, as Kubernetes names them
}

/** A Table column (priority 1: shown by `-o wide` only); the Name column has the `name` format. */
function column(name: string, priority = 0) {
  return { name, type: 'string', format: name === 'Name' ? 'name' : '', description: '', priority };
}

type TableContext = { now: number; resourceVersion: string; include: IncludeObject };

/** A meta.k8s.io/v1 Table: its columns, then a row per item (its cells, and what include asks). */
function table(
  columnDefinitions: ReturnType<typeof column>[],
  items: readonly ApiObject[],
  cells: (i: number) => unknown[],
  context: TableContext,
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: context.resourceVersion },
    columnDefinitions,
    rows: items.map((item, i) => ({ cells: cells(i), object: rowObject(item, context.include) })),
  };
}

export function toTable(
  printer: Printer,
  printed: readonly KubeObject[],
  items: readonly ApiObject[],
  context: TableContext,
) {
  return table(
    [
      ...printer.headers.map((h) => column(columnName(h), 0)),
      ...printer.wide.map((h) => column(columnName(h), 1)),
    ],
    items,
    (i) => [...printer.row(printed[i]!, context), ...printer.wideRow(printed[i]!, context)],
    context,
  );
}

/** `kubectl get events`: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (printers.go printEvent). */
export function eventTable(
  events: readonly KubeEvent[],
  items: readonly ApiObject[],
  context: TableContext,
) {
  return table(
    [
      column('Last Seen'),
      column('Type'),
      column('Reason'),
      column('Object'),
      column('Subobject', 1),
      column('Source', 1),
      column('Message'),
      column('First Seen', 1),
      column('Count', 1),
      column('Name', 1),
    ],
    items,
    (i) => {
      const e = events[i]!;
      return [
        age(e.lastTimestamp, context.now),
        e.type,
        e.reason,
        `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
        '',
        e.source.host ? `${e.source.component}, ${e.source.host}` : e.source.component,
        e.message,
        age(e.firstTimestamp, context.now),
        e.count,
        e.metadata.name,
      ];
    },
    context,
  );
}

/** `kubectl get leases`: NAME, HOLDER, AGE (printers.go printLease). */
export function leaseTable(items: readonly ApiObject[], context: TableContext) {
  return table(
    [column('Name'), column('Holder'), column('Age')],
    items,
    (i) => [
      items[i]!.metadata.name,
      (items[i]!.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '',
      age(items[i]!.metadata.creationTimestamp ?? '', context.now),
    ],
    context,
  );
}
