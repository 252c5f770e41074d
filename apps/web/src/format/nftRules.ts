import type { DataplaneStatus, NftChain } from '@l4lab/protocol';

// The kernel's rules as the drawer shows them: each chain's own `nft list` text, line by line,
// with the `counter packets N` of every rule whose N grew since the previous poll picked out, so
// the room sees which rule the connections just matched.

/** nft prints a rule's counter as `counter packets N bytes M`, in place of the `counter` written. */
const COUNTER = /counter packets (\d+) bytes \d+/;

export interface RuleLine {
  /** The line exactly as nft listed it. */
  text: string;
  /** Where `counter packets N` sits in `text` (lines without a counter have none). */
  counter?: { start: number; end: number; packets: number };
  /** Packets since the previous poll (0: none, or nothing to compare with). */
  grew: number;
}

export interface ListedChain {
  name: string;
  lines: RuleLine[];
}

export interface ReadRules {
  chains: ListedChain[];
  /** Packets per rule, the baseline of the next poll. */
  packets: Map<string, number>;
}

/**
 * A rule's identity across polls: its chain and its text without the counter's numbers (plus
 * which copy, when a chain holds the same rule twice). A sync that rewrites a rule gives it a new
 * identity, as the kernel gives it a new counter.
 */
function ruleKey(chain: string, line: string, seen: Map<string, number>): string {
  const base = `${chain}\n${line.replace(COUNTER, 'counter').trim()}`;
  const copy = seen.get(base) ?? 0;
  seen.set(base, copy + 1);
  return `${base}\n${copy}`;
}

/** Where `counter packets N` is in a listed line, or undefined when the rule counts nothing. */
export function counterOf(line: string): RuleLine['counter'] {
  const m = COUNTER.exec(line);
  if (!m) return undefined;
  const shown = `counter packets ${m[1]}`;
  return { start: m.index, end: m.index + shown.length, packets: Number(m[1]) };
}

/**
 * Splits the chains into lines and compares each rule's packets with `before` (the previous
 * poll's `packets`). Without a previous poll nothing is marked; a rule new since then counts
 * from 0, as its kernel counter did; a counter that went down (the chain was rewritten) is no
 * growth.
 */
export function readRules(
  chains: readonly NftChain[],
  before: ReadonlyMap<string, number> | undefined,
): ReadRules {
  const packets = new Map<string, number>();
  const listed = chains.map((chain) => {
    const seen = new Map<string, number>();
    const lines = chain.text.split('\n').map((text): RuleLine => {
      const counter = counterOf(text);
      if (!counter) return { text, grew: 0 };
      const key = ruleKey(chain.name, text, seen);
      packets.set(key, counter.packets);
      const grew = before ? Math.max(0, counter.packets - (before.get(key) ?? 0)) : 0;
      return { text, counter, grew };
    });
    return { name: chain.name, lines };
  });
  return { chains: listed, packets };
}

/** The drawer's badge for a Service nftables serves otherwise: `ipvs:lc not in nftables: served random`. */
export function unsupportedModeText(
  status: DataplaneStatus | undefined,
  namespace: string,
  name: string,
): string | undefined {
  const entry = status?.unsupported.find((u) => u.service === `${namespace}/${name}`);
  return entry ? `${entry.requested} not in nftables: served random` : undefined;
}

/** The header's warning when conntrack dropped events (undefined while none were lost). */
export function eventsLostText(status: DataplaneStatus | undefined): string | undefined {
  const lost = status?.events?.lost ?? 0;
  if (lost <= 0) return undefined;
  return `${lost} ${lost === 1 ? 'event' : 'events'} lost`;
}
