import type { ConnectionEvent } from '@l4lab/protocol';
import { OUTCOMES } from '@l4lab/protocol';

export interface Filters {
  service: string;
  pod: string;
  outcome: string;
  client: string;
}

export function matches(e: ConnectionEvent, f: Filters): boolean {
  if (f.service && !`${e.service.namespace}/${e.service.name}`.includes(f.service)) return false;
  if (f.pod && !(e.endpoint?.pod ?? '').includes(f.pod)) return false;
  if (f.outcome && e.outcome !== f.outcome) return false;
  if (f.client && !`${e.client.ip} ${e.client.pod ?? ''}`.includes(f.client)) return false;
  return true;
}

export function LogFilters({ value, onChange }: { value: Filters; onChange(f: Filters): void }) {
  const text = (key: 'service' | 'pod' | 'client', placeholder: string) => (
    <input
      type="search"
      aria-label={`filter by ${key}`}
      placeholder={placeholder}
      value={value[key]}
      onChange={(e) => onChange({ ...value, [key]: e.target.value })}
    />
  );
  return (
    <div className="log-filters">
      {text('service', 'service')}
      {text('pod', 'pod')}
      {text('client', 'client')}
      <select
        aria-label="filter by outcome"
        value={value.outcome}
        onChange={(e) => onChange({ ...value, outcome: e.target.value })}
      >
        <option value="">any outcome</option>
        {OUTCOMES.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}
