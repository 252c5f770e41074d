// The worker side of ManifestChecker: parses and validates manifests off the event loop that
// carries the lab's traffic and API. One request at a time; the answer is plain data.
import { parentPort } from 'node:worker_threads';
import { checkManifests, parseManifests } from '@l4lab/manifests';
import type { CheckRequest, CheckReply } from './manifestChecker.ts';

function answer(req: CheckRequest): CheckReply {
  if (req.op === 'check') return { id: req.id, op: 'check', result: checkManifests(req.text) };
  const docs = parseManifests(req.text).documents;
  const positions = req.fields.map(({ document, path }) => {
    const doc = docs.find((d) => d.index === document);
    return doc ? doc.positionOf(path) : undefined;
  });
  return { id: req.id, op: 'locate', positions };
}

parentPort?.on('message', (req: CheckRequest) => {
  let reply: CheckReply;
  try {
    reply = answer(req);
  } catch (err) {
    reply = { id: req.id, op: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
// Loaded: the checker starts each request's budget only from here on.
parentPort?.postMessage({ op: 'ready' });
