import { useState, type FormEvent } from 'react';
import { startTraffic } from '../api/http.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { GeneratorList } from './GeneratorList.tsx';
import { ReplayLock } from './ReplayLock.tsx';
import {
  defaultTarget,
  parseTarget,
  selectSources,
  reachableFromOutside,
  selectTargets,
  targetKey,
} from './trafficTargets.ts';
import '../styles/traffic.css';

const OTHER = '__other__';
const PROTOCOLS = ['http', 'tcp', 'udp'] as const;
type Protocol = (typeof PROTOCOLS)[number];

/**
 * The Services an apply created or changed (`service/web created`), then those it left unchanged
 * (the same scenario applied again): the first one traffic can go to is the natural next target.
 */
function appliedServices(lines: string[]): string[] {
  const services = lines.flatMap((l) => {
    const m = /^service\/(\S+) (created|configured|unchanged)$/.exec(l);
    return m ? [{ name: m[1]!, changed: m[2] !== 'unchanged' }] : [];
  });
  return [...services.filter((x) => x.changed), ...services.filter((x) => !x.changed)].map(
    (x) => x.name,
  );
}

const num = (set: (n: number) => void) => (e: { target: { value: string } }) =>
  set(Number(e.target.value));

/** Remote mode: where the dots come from (the agents' events, or the generator's own). */
function EventSource() {
  const agents = useAppStore((s) => s.server?.cluster?.agents);
  const connected = (agents ?? []).filter((a) => a.connected).length;
  return (
    <p className="muted small" data-testid="traffic-event-source">
      {connected > 0
        ? `events: from the l4lab agents on ${connected} node${connected === 1 ? '' : 's'} (the endpoint and the kernel's reason); client-side through a node without one`
        : 'events: client-side, as l4lab sent them (which endpoint answered needs the l4lab agent)'}
    </p>
  );
}

/**
 * The traffic generator. In remote mode it sends from l4lab's host, so it offers only the
 * frontends reachable from outside the cluster, and says where the connection events come from.
 */
export function TrafficControl() {
  const remote = useAppStore((s) => s.server?.cluster !== undefined);
  const targetTexts = useAppStore(selectTargets);
  const targets = targetTexts.map(parseTarget).filter((t) => !remote || reachableFromOutside(t));
  const sources = useAppStore(selectSources);
  const apply = useAppStore((s) => s.apply);
  const [chosen, setChosen] = useState('');
  /** When the target was last chosen by hand: a later apply of a Service makes that Service the target. */
  const [chosenAt, setChosenAt] = useState(0);
  const [custom, setCustom] = useState('');
  const [from, setFrom] = useState('external');
  const [rate, setRate] = useState(20);
  const [clients, setClients] = useState(4);
  const [duration, setDuration] = useState(0);
  const [keepAlive, setKeepAlive] = useState(false);
  const [perConnection, setPerConnection] = useState(0);
  const [protocol, setProtocol] = useState<Protocol>('http');
  /** What went wrong, and for which target: a hint about another target (or none) is stale. */
  const [error, setError] = useState<{ message: string; target: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const keys = targets.map(targetKey);
  const applied = apply.state === 'applied' && apply.at > chosenAt ? apply.lines : [];
  // (found once its watch event is in, which may come after the apply's answer; an ExternalName
  // Service has none)
  const appliedTarget = appliedServices(applied)
    .map((name) => defaultTarget(targets, name))
    .find((t) => t !== undefined);
  const fallback = defaultTarget(targets);
  const selected = appliedTarget
    ? targetKey(appliedTarget)
    : chosen === '' || (chosen !== OTHER && !keys.includes(chosen))
      ? fallback
        ? targetKey(fallback)
        : OTHER
      : chosen;
  const chosenTarget = targets.find((t) => targetKey(t) === selected);
  const target = chosenTarget ? chosenTarget.value : custom.trim();
  // A Service port's protocol decides: udp for a UDP port, http or tcp for a TCP one. Only a typed
  // address leaves all three open.
  const portProtocol = chosenTarget?.protocol;
  const effective: Protocol =
    portProtocol === 'UDP'
      ? 'udp'
      : portProtocol === 'TCP' && protocol === 'udp'
        ? 'http'
        : protocol;
  const source = !remote && sources.includes(from) ? from : 'external';
  // Another target (the first Service applied, another choice): the hint or error is gone for good.
  if (error && error.target !== target) setError(undefined);

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!target) {
      return setError({
        message: remote
          ? 'Apply a NodePort or LoadBalancer Service, or type a node address:nodePort.'
          : 'Apply a Service, or type an address like 127.96.0.12:80.',
        target,
      });
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await startTraffic({
        target,
        from: source,
        protocol: effective,
        rate,
        duration,
        keepAlive: effective === 'http' && keepAlive,
        ...(effective === 'http' && keepAlive && perConnection > 0
          ? { requestsPerConnection: perConnection }
          : {}),
        clients,
      });
      if (!result.ok) setError({ message: result.message, target });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      setError({ message: `Cannot reach the server: ${message}`, target });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel traffic" data-testid="traffic-control" aria-label="Traffic">
      <h2>Traffic</h2>
      <ReplayLock>
        <form onSubmit={start} className="traffic-form">
          <label>
            Target
            <select
              value={selected}
              onChange={(e) => {
                setChosen(e.target.value);
                setChosenAt(Date.now());
              }}
            >
              {targets.map((t) => (
                <option key={targetKey(t)} value={targetKey(t)}>
                  {t.label}
                </option>
              ))}
              <option value={OTHER}>other address…</option>
            </select>
          </label>
          {remote && (
            <p className="muted small" data-testid="traffic-remote-note">
              From this machine: NodePorts, LoadBalancer IPs and externalIPs. No ClusterIPs: they
              answer only inside the cluster.
            </p>
          )}
          {chosenTarget && (
            // the whole address, where a long option is cut by the select's width
            <p className="target-address" data-testid="target-address">
              {chosenTarget.value}
            </p>
          )}
          {selected === OTHER && (
            <label>
              Address
              <input
                type="text"
                value={custom}
                placeholder={
                  remote
                    ? 'node address:nodePort, e.g. 10.0.0.11:30080'
                    : '127.96.0.12:80 or name.ns.svc.cluster.local:80'
                }
                onChange={(e) => setCustom(e.target.value)}
              />
            </label>
          )}
          <label>
            From
            <select value={source} onChange={(e) => setFrom(e.target.value)}>
              <option value="external">
                {remote ? "this machine (l4lab's host)" : 'external clients (127.30.0.x)'}
              </option>
              {(remote ? [] : sources).map((s) => (
                <option key={s} value={s}>
                  {s.replace(/^pod:/, 'pod ')}
                </option>
              ))}
            </select>
          </label>
          <div className="row">
            <label>
              Rate /s
              <input type="number" min={1} max={500} value={rate} onChange={num(setRate)} />
            </label>
            <label>
              Clients
              <input
                type="number"
                min={1}
                max={32}
                value={clients}
                disabled={remote || source !== 'external'}
                onChange={num(setClients)}
              />
            </label>
            <label>
              Seconds
              <input
                type="number"
                min={0}
                max={3600}
                value={duration}
                title="0 = until stopped"
                onChange={num(setDuration)}
              />
            </label>
          </div>
          <div className="row wrap">
            <label>
              Protocol
              <select
                value={effective}
                title={portProtocol ? `the Service port is ${portProtocol}` : undefined}
                onChange={(e) => setProtocol(e.target.value as Protocol)}
              >
                {PROTOCOLS.map((p) => (
                  <option
                    key={p}
                    value={p}
                    disabled={
                      portProtocol !== undefined && portProtocol !== (p === 'udp' ? 'UDP' : 'TCP')
                    }
                  >
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={keepAlive && effective === 'http'}
                disabled={effective !== 'http'}
                onChange={(e) => setKeepAlive(e.target.checked)}
              />
              Keep-alive
            </label>
            {keepAlive && effective === 'http' && (
              <label className="inline">
                requests/conn
                <input
                  type="number"
                  min={0}
                  max={10000}
                  value={perConnection}
                  title="0 = no limit"
                  onChange={num(setPerConnection)}
                />
              </label>
            )}
            <span className="spacer" />
            <button type="submit" className="primary" disabled={busy}>
              Start traffic
            </button>
          </div>
          {error && (
            <p className="bad" role="alert">
              {error.message}
            </p>
          )}
        </form>
        {remote && <EventSource />}
        <GeneratorList />
      </ReplayLock>
    </section>
  );
}
