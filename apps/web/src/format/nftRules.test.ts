import { describe, expect, it } from 'vitest';
import type { DataplaneStatus, NftChain } from '@l4lab/protocol';
import { counterOf, eventsLostText, readRules, unsupportedModeText } from './nftRules.ts';

// Chain text as `nft list table ip kube-proxy` prints it (nft 1.0.6, one tab of the table's
// indentation removed by the server), on the lab's test ranges (Services 127.96/16, pods 127.244/16).

const SVC = 'service-ULMVA6XW-default/web/tcp/http';
const EP_A = 'endpoint-5OJB2KTY-default/web/tcp/http__127.244.1.5/80';
const EP_B = 'endpoint-GAQ2HD7R-default/web/tcp/http__127.244.2.6/80';

function serviceChain(pick: number, masq = 0): NftChain {
  return {
    name: SVC,
    text: [
      `chain ${SVC} {`,
      `\tip daddr 127.96.0.41 tcp dport 80 ip saddr != 127.244.0.0/16 counter packets ${masq} bytes ${masq * 60} jump mark-for-masquerade`,
      `\tcounter packets ${pick} bytes ${pick * 60} numgen random mod 2 vmap { 0 : goto ${EP_A}, 1 : goto ${EP_B} }`,
      '}',
    ].join('\n'),
  };
}

function endpointChain(name: string, ip: string, dnat: number): NftChain {
  return {
    name,
    text: [
      `chain ${name} {`,
      `\tip saddr ${ip} counter packets 0 bytes 0 jump mark-for-masquerade`,
      `\tcounter packets ${dnat} bytes ${dnat * 60} meta l4proto tcp dnat to ${ip}:80`,
      '}',
    ].join('\n'),
  };
}

const grewOf = (chains: ReturnType<typeof readRules>['chains']) =>
  chains.map((c) => c.lines.filter((l) => l.grew > 0).map((l) => [l.text.trim(), l.grew]));

describe('counterOf', () => {
  it('finds `counter packets N` and where it sits in the line', () => {
    const line = '\tip saddr 127.244.1.5 counter packets 12 bytes 720 jump mark-for-masquerade';
    const c = counterOf(line)!;
    expect(c.packets).toBe(12);
    expect(line.slice(c.start, c.end)).toBe('counter packets 12');
  });

  it('finds none in a rule that counts nothing, or in a chain header', () => {
    expect(counterOf(`chain ${SVC} {`)).toBeUndefined();
    expect(counterOf('\ttype nat hook output priority dstnat; policy accept;')).toBeUndefined();
    expect(counterOf('\tjump services')).toBeUndefined();
  });
});

describe('readRules', () => {
  it('keeps every line of the text as listed', () => {
    const chains = [serviceChain(3), endpointChain(EP_A, '127.244.1.5', 2)];
    const read = readRules(chains, undefined);
    expect(read.chains.map((c) => c.name)).toEqual([SVC, EP_A]);
    expect(read.chains.map((c) => c.lines.map((l) => l.text).join('\n'))).toEqual(
      chains.map((c) => c.text),
    );
  });

  it('marks nothing on the first poll: there is nothing to compare with', () => {
    const read = readRules([serviceChain(3, 1)], undefined);
    expect(grewOf(read.chains)).toEqual([[]]);
    expect([...read.packets.values()]).toEqual([1, 3]);
  });

  it('marks the rules whose packets grew since the last poll, by how much', () => {
    const first = readRules(
      [
        serviceChain(3),
        endpointChain(EP_A, '127.244.1.5', 1),
        endpointChain(EP_B, '127.244.2.6', 2),
      ],
      undefined,
    );
    const second = readRules(
      [
        serviceChain(5),
        endpointChain(EP_A, '127.244.1.5', 1),
        endpointChain(EP_B, '127.244.2.6', 4),
      ],
      first.packets,
    );
    expect(grewOf(second.chains)).toEqual([
      [[expect.stringMatching(/^counter packets 5 bytes 300 numgen random mod 2/), 2]],
      [],
      [['counter packets 4 bytes 240 meta l4proto tcp dnat to 127.244.2.6:80', 2]],
    ]);
  });

  it('counts a rule new since the last poll from 0, as its kernel counter did', () => {
    const first = readRules([endpointChain(EP_A, '127.244.1.5', 4)], undefined);
    const second = readRules(
      [endpointChain(EP_A, '127.244.1.5', 4), endpointChain(EP_B, '127.244.2.6', 1)],
      first.packets,
    );
    expect(grewOf(second.chains)).toEqual([
      [],
      [['counter packets 1 bytes 60 meta l4proto tcp dnat to 127.244.2.6:80', 1]],
    ]);
  });

  it('sees no growth when a rewritten chain starts its counters again', () => {
    const first = readRules([serviceChain(40)], undefined);
    const second = readRules([serviceChain(2)], first.packets);
    expect(grewOf(second.chains)).toEqual([[]]);
  });

  it('tells apart two identical rules of one chain and the same rule in two chains', () => {
    const twice: NftChain = {
      name: 'c',
      text: 'chain c {\n\tcounter packets 1 bytes 1 accept\n\tcounter packets 1 bytes 1 accept\n}',
    };
    const other: NftChain = { ...twice, name: 'd', text: twice.text.replace('chain c', 'chain d') };
    const first = readRules([twice, other], undefined);
    expect(first.packets.size).toBe(4);
    const second = readRules(
      [
        {
          ...twice,
          text: twice.text.replace(/(accept\n\t)counter packets 1/, '$1counter packets 3'),
        },
        other,
      ],
      first.packets,
    );
    expect(second.chains[0]!.lines.map((l) => l.grew)).toEqual([0, 0, 2, 0]);
    expect(second.chains[1]!.lines.map((l) => l.grew)).toEqual([0, 0, 0, 0]);
  });
});

const STATUS: DataplaneStatus = {
  name: 'nftables',
  kernel: true,
  table: 'ip kube-proxy',
  events: { events: 50, lost: 0, restarts: 0 },
  unsupported: [{ service: 'default/web', requested: 'ipvs:lc' }],
};

describe('unsupportedModeText', () => {
  it('names the mode asked for and how the Service is served instead', () => {
    expect(unsupportedModeText(STATUS, 'default', 'web')).toBe(
      'ipvs:lc not in nftables: served random',
    );
  });

  it('says nothing for a Service served as asked, or before the status is known', () => {
    expect(unsupportedModeText(STATUS, 'default', 'db')).toBeUndefined();
    expect(unsupportedModeText(STATUS, 'other', 'web')).toBeUndefined();
    expect(unsupportedModeText(undefined, 'default', 'web')).toBeUndefined();
  });
});

describe('eventsLostText', () => {
  it('says nothing while no event was lost, or without a conntrack reader', () => {
    expect(eventsLostText(STATUS)).toBeUndefined();
    expect(eventsLostText({ ...STATUS, events: undefined })).toBeUndefined();
    expect(eventsLostText(undefined)).toBeUndefined();
  });

  it('counts the losses', () => {
    expect(eventsLostText({ ...STATUS, events: { events: 9, lost: 1, restarts: 0 } })).toBe(
      '1 event lost',
    );
    expect(eventsLostText({ ...STATUS, events: { events: 9, lost: 7, restarts: 1 } })).toBe(
      '7 events lost',
    );
  });
});
