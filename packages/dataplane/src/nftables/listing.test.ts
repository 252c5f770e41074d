import { describe, expect, it } from 'vitest';
import { chainTextWithRules, parseTableListing } from './listing.ts';

// As `nft -a list table ip kube-proxy` prints it (nft 1.0.6).
const LISTING = `table ip kube-proxy { # handle 3
\tcomment "rules for kube-proxy"
\tmap service-ips { # handle 5
\t\ttype ipv4_addr . inet_proto . inet_service : verdict
\t\telements = { 127.96.0.20 . tcp . 80 : goto service-ABCDEFGH-default/web/tcp/ }
\t}

\tchain nat-output { # handle 12
\t\ttype nat hook output priority -100; policy accept;
\t\tjump services # handle 40
\t}

\tchain service-ABCDEFGH-default/web/tcp/ { # handle 20
\t\tcounter packets 4 bytes 240 numgen random mod 2 vmap { 0 : goto a, 1 : goto b } # handle 51
\t\tcounter packets 9 bytes 540 numgen random mod 3 vmap { 0 : goto a, 1 : goto b, 2 : goto c } # handle 44
\t}
}
`;

describe('parseTableListing', () => {
  it('reads each block, its rules and their handles; hook lines are not rules', () => {
    const blocks = parseTableListing(LISTING);
    expect([...blocks.keys()]).toEqual([
      'service-ips',
      'nat-output',
      'service-ABCDEFGH-default/web/tcp/',
    ]);
    expect(blocks.get('nat-output')).toMatchObject({
      kind: 'chain',
      rules: ['jump services'],
      handles: [40],
      text: 'chain nat-output {\n\ttype nat hook output priority -100; policy accept;\n\tjump services\n}',
    });
    expect(blocks.get('service-ABCDEFGH-default/web/tcp/')!.handles).toEqual([51, 44]);
  });

  it('shows a chain with only its rules in force (those below were replaced)', () => {
    const b = parseTableListing(LISTING).get('service-ABCDEFGH-default/web/tcp/')!;
    expect(chainTextWithRules(b, 1)).toBe(
      'chain service-ABCDEFGH-default/web/tcp/ {\n\tcounter packets 4 bytes 240 numgen random mod 2 vmap { 0 : goto a, 1 : goto b }\n}',
    );
    const base = parseTableListing(LISTING).get('nat-output')!;
    expect(chainTextWithRules(base, 1)).toBe(base.text);
  });
});
