import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { type ZoneOptions, answerQuestion } from './records.ts';
import type { ZoneView } from './zoneView.ts';

const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type RcodeName = keyof typeof RCODES;

/** What one query was and how it was answered (for metrics and logs). */
export interface QueryLog {
  name: string;
  type: string;
  rcode: RcodeName;
  answers: number;
}

/** The rcode of a decoded message, by name (`NOERROR`, `NXDOMAIN`, ...). */
export function rcodeOf(p: { flags?: number | undefined }): string {
  const n = (p.flags ?? 0) & 0xf;
  return (Object.keys(RCODES) as RcodeName[]).find((k) => RCODES[k] === n) ?? `RCODE_${n}`;
}

/**
 * Answers one DNS message (the bytes of a query) with the bytes of the response, or undefined when
 * the bytes are not a query at all (dropped, as CoreDNS does). `maxSize`: 512 on UDP without EDNS,
 * the client's EDNS payload size with it, 65535 on TCP; a longer answer is truncated (TC set).
 */
export function respond(
  query: Buffer,
  view: ZoneView,
  opts: ZoneOptions & { transport: 'udp' | 'tcp' },
): { response: Buffer; log: QueryLog } | undefined {
  let q: DecodedPacket;
  try {
    q = dnsPacket.decode(query);
  } catch {
    return formErr(query);
  }
  if (q.type !== 'query') return undefined;
  const opcode = (q.flags ?? 0) & 0x7800;
  const question = q.questions?.[0];
  const rd = (q.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  const base: Packet = { type: 'response', id: q.id ?? 0, questions: q.questions ?? [] };
  const edns = q.additionals?.find((a) => a.type === 'OPT');
  const opt: Answer[] = edns
    ? [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ]
    : [];
  const fail = (rcode: RcodeName) => ({
    response: dnsPacket.encode({ ...base, flags: rd | RCODES[rcode], additionals: opt }),
    log: { name: question?.name ?? '', type: question?.type ?? '', rcode, answers: 0 },
  });
  if (opcode !== 0) return fail('NOTIMP');
  if (!question || (q.questions?.length ?? 0) !== 1) return fail('FORMERR');
  const a = answerQuestion(question, view, opts);
  const flags = rd | RCODES[a.rcode] | (a.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0);
  const full: Packet = {
    ...base,
    flags,
    answers: a.answers,
    authorities: a.authorities,
    additionals: [...a.additionals, ...opt],
  };
  const log: QueryLog = {
    name: question.name,
    type: question.type,
    rcode: a.rcode,
    answers: a.answers.length,
  };
  const limit =
    opts.transport === 'tcp'
      ? 65535
      : Math.max(512, Math.min(edns && 'udpPayloadSize' in edns ? edns.udpPayloadSize : 512, 1232));
  const response = dnsPacket.encode(full);
  if (response.length <= limit) return { response, log };
  // Too long for this datagram: the client retries over TCP (RFC 1035 4.2.1, RFC 7766).
  const truncated = dnsPacket.encode({
    ...base,
    flags: flags | dnsPacket.TRUNCATED_RESPONSE,
    additionals: opt,
  });
  return { response: truncated, log };
}

/** A FORMERR echoing the query's id, when at least the header could be read. */
function formErr(query: Buffer): { response: Buffer; log: QueryLog } | undefined {
  if (query.length < 12 || query[2]! & 0x80) return undefined;
  const response = dnsPacket.encode({
    type: 'response',
    id: query.readUInt16BE(0),
    flags: RCODES.FORMERR,
  });
  return { response, log: { name: '', type: '', rcode: 'FORMERR', answers: 0 } };
}
