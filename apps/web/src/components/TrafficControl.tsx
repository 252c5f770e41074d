import { useState, type FormEvent } from 'react';
import { startTraffic } from '../api/http.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectServices } from '../store/selectors.ts';
import type { AppState } from '../store/createAppStore.ts';
import { GeneratorList } from './GeneratorList.tsx';

const OTHER = '__other__';

const selectTargets = (s: AppState): string[] =>
  selectServices(s).flatMap((svc) =>
    svc.spec.type === 'ExternalName'
      ? []
      : (svc.spec.ports ?? []).map(
          (p) =>
            `${svc.metadata.name}.${svc.metadata.namespace ?? 'default'}.svc.cluster.local:${p.port}`,
        ),
  );

export function TrafficControl() {
  const targets = useAppStore(selectTargets);
  const [chosen, setChosen] = useState('');
  const [custom, setCustom] = useState('');
  const [rate, setRate] = useState(20);
  const [clients, setClients] = useState(4);
  const [keepAlive, setKeepAlive] = useState(false);
  const [protocol, setProtocol] = useState<'http' | 'tcp' | 'udp'>('http');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const selected =
    chosen === '' || (chosen !== OTHER && !targets.includes(chosen))
      ? (targets[0] ?? OTHER)
      : chosen;
  const target = selected === OTHER ? custom.trim() : selected;

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!target) {
      setError('Choose a Service or type an address like 127.96.0.12:80.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await startTraffic({
        target,
        from: 'external',
        protocol,
        rate,
        duration: 0,
        keepAlive,
        clients,
      });
      if (!result.ok) setError(result.message);
    } catch (err) {
      setError(`Cannot reach the server: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel traffic" data-testid="traffic-control" aria-label="Traffic">
      <h2>Traffic</h2>
      <form onSubmit={start} className="traffic-form">
        <label>
          Target
          <select value={selected} onChange={(e) => setChosen(e.target.value)}>
            {targets.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            <option value={OTHER}>other address…</option>
          </select>
        </label>
        {selected === OTHER && (
          <label>
            Address
            <input
              type="text"
              value={custom}
              placeholder="127.96.0.12:80 or name.ns.svc.cluster.local:80"
              onChange={(e) => setCustom(e.target.value)}
            />
          </label>
        )}
        <div className="row">
          <label>
            Rate (conn/s)
            <input
              type="number"
              min={1}
              max={500}
              value={rate}
              onChange={(e) => setRate(Number(e.target.value))}
            />
          </label>
          <label>
            Clients
            <input
              type="number"
              min={1}
              max={32}
              value={clients}
              onChange={(e) => setClients(Number(e.target.value))}
            />
          </label>
          <label>
            Protocol
            <select
              value={protocol}
              onChange={(e) =>
                setProtocol(
                  e.target.value === 'tcp' ? 'tcp' : e.target.value === 'udp' ? 'udp' : 'http',
                )
              }
            >
              <option value="http">http</option>
              <option value="tcp">tcp</option>
              <option value="udp">udp</option>
            </select>
          </label>
        </div>
        <div className="row">
          <label className="check">
            <input
              type="checkbox"
              checked={keepAlive}
              onChange={(e) => setKeepAlive(e.target.checked)}
            />
            Keep-alive
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Start traffic
          </button>
        </div>
        {error && (
          <p className="bad" role="alert">
            {error}
          </p>
        )}
      </form>
      <GeneratorList />
    </section>
  );
}
