import { useRef } from 'react';
import type { NftChain } from '@l4lab/protocol';
import { fetchPodPolicyRules, fetchServiceRules } from '../api/dataplaneApi.ts';
import type { CallOutcome } from '../api/http.ts';
import { readRules, type ListedChain, type RuleLine } from '../format/nftRules.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { usePageVisible } from '../hooks/usePageVisible.ts';
import { usePolled } from '../hooks/usePolled.ts';
import type { AppState } from '../store/createAppStore.ts';
import '../styles/dataplane.css';

/** Once a second: a counter that moves is seen moving while the traffic runs. */
export const RULES_POLL_MS = 1000;

const selectKernel = (s: AppState) => ({
  kernel: s.server?.dataplane === 'nftables',
  live: s.replay === undefined,
});

interface Shown {
  chains: ListedChain[];
  at: number;
}

/** One listed line; its `counter packets N` marked when N grew since the previous poll. */
function RuleText({ line }: { line: RuleLine }) {
  const c = line.counter;
  if (!c) return <span className="nft-line">{line.text}</span>;
  const grew = line.grew > 0;
  return (
    <span className={grew ? 'nft-line nft-matched' : 'nft-line'}>
      {line.text.slice(0, c.start)}
      <mark
        // A new key per value restarts the flash each time the counter moves again.
        key={c.packets}
        className={grew ? 'nft-counter grew' : 'nft-counter'}
        title={grew ? `+${line.grew} packets in the last second` : undefined}
      >
        {line.text.slice(c.start, c.end)}
      </mark>
      {line.text.slice(c.end)}
      {grew && <span className="nft-grew">+{line.grew}</span>}
    </span>
  );
}

function ChainText({ chain }: { chain: ListedChain }) {
  return (
    <pre className="nft-chain" aria-label={`chain ${chain.name}`}>
      {chain.lines.map((line, i) => (
        <RuleText key={i} line={line} />
      ))}
    </pre>
  );
}

interface KernelChainsProps {
  /** What is shown (a new one starts the counters' baseline afresh). */
  subject: string;
  label: string;
  title: string;
  note: string;
  empty: string;
  fetch(): Promise<CallOutcome<{ chains: NftChain[]; at: number }>>;
}

/**
 * Chains of a kernel table as the kernel has them (kernel dataplane only), polled every second
 * while the drawer is open and the page shown, with the rules that just counted packets picked
 * out.
 */
function KernelChains({ subject, label, title, note, empty, fetch }: KernelChainsProps) {
  const { kernel, live } = useAppStore(selectKernel);
  const visible = usePageVisible();
  // The previous poll's packets per rule; one poll runs at a time (usePolled), so no race.
  const baseline = useRef<{ subject: string; packets: Map<string, number> } | undefined>(undefined);
  async function load(): Promise<CallOutcome<Shown>> {
    const outcome = await fetch();
    if (!outcome.ok) return outcome;
    const before = baseline.current?.subject === subject ? baseline.current.packets : undefined;
    const read = readRules(outcome.value.chains, before);
    baseline.current = { subject, packets: read.packets };
    return { ok: true, value: { chains: read.chains, at: outcome.value.at } };
  }
  const polled = usePolled(kernel && live && visible ? subject : undefined, load, RULES_POLL_MS);
  if (!kernel) return null;
  const shown = polled.value;
  return (
    <section className="drawer-rules" aria-label={label}>
      <h4>{title}</h4>
      <p className="muted small">{note}</p>
      {polled.error && <p className="bad small">{polled.error}</p>}
      {!live ? (
        <p className="muted small">
          Not read during a replay: the kernel&apos;s rules are the live lab&apos;s, not the
          recording&apos;s.
        </p>
      ) : !shown ? (
        !polled.error && <p className="muted small">Reading the table…</p>
      ) : shown.chains.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        shown.chains.map((chain) => <ChainText key={chain.name} chain={chain} />)
      )}
    </section>
  );
}

/** The nftables chains serving a Service, as kube-proxy's nftables mode writes them. */
export function DrawerRules({ namespace, name }: { namespace: string; name: string }) {
  return (
    <KernelChains
      subject={`Service/${namespace}/${name}`}
      label="nftables rules"
      title="nftables rules (kernel)"
      note="the table kube-proxy's nftables mode would write; counters live from the kernel"
      empty="No chain serves this Service yet (no ports, or not synced)."
      fetch={() => fetchServiceRules(namespace, name)}
    />
  );
}

/** The NetworkPolicy chains that judge a pod's connections: the pods' network's own table. */
export function DrawerPolicyRules({ namespace, name }: { namespace: string; name: string }) {
  return (
    <KernelChains
      subject={`Pod/${namespace}/${name}`}
      label="NetworkPolicy rules"
      title="NetworkPolicy rules (kernel)"
      note="the pods' network's table beside kube-proxy's: ingress after its SNAT, egress after its DNAT; counters live"
      empty="No NetworkPolicy isolates this pod: no rule judges its connections."
      fetch={() => fetchPodPolicyRules(namespace, name)}
    />
  );
}
