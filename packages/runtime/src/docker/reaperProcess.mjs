// The container reaper: removes the containers of one server run once that server is gone, even
// after kill -9 (started by containerReaper.ts; plain JavaScript so that `node` runs it as it is,
// without tsx, in ~40 ms). Arguments: <engine unix socket> <workspace> <instance>.
//
// Its stdin is a pipe whose other end only the server holds. However the server ends, the kernel
// closes that end and this process reads end-of-file: it then removes, through the engine, every
// container labelled with this workspace and instance, and exits. An orderly stop writes
// `release` first (the kubelet has already stopped every pod): it exits without touching anything.
import { request } from 'node:http';

const [socketPath, workspace, instance] = process.argv.slice(2);
/** How long a busy or restarting engine gets before the reaper leaves the rest to the next start. */
const GIVE_UP_MS = 30_000;
/** A second look after the first removal: a container whose start was in flight when the server died. */
const RECHECK_MS = 1_000;

let released = false;
let reaping = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', function onData(text) {
  if (text.includes('release')) released = true;
});
process.stdin.on('end', function onServerGone() {
  if (released) process.exit(0);
  void reap();
});
process.stdin.on('error', function onPipeError() {
  void reap();
});

/** One Docker Engine API call over the unix socket; resolves with status and body. */
function call(method, path) {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
    req.end();
  });
}

async function listContainers() {
  const labels = ['l4lab=1', `l4lab.workspace=${workspace}`, `l4lab.instance=${instance}`];
  const filters = encodeURIComponent(JSON.stringify({ label: labels }));
  const r = await call('GET', `/containers/json?all=true&filters=${filters}`);
  if (r.status !== 200) throw new Error(`list containers: ${r.status} ${r.body}`);
  return JSON.parse(r.body).map((c) => c.Id);
}

async function removeContainer(id) {
  const r = await call('DELETE', `/containers/${id}?force=true&v=true`);
  // 404: already gone; 409: its removal is already in progress.
  if (r.status >= 400 && r.status !== 404 && r.status !== 409) {
    throw new Error(`remove container ${id}: ${r.status} ${r.body}`);
  }
}

async function reap() {
  if (reaping) return;
  reaping = true;
  const deadline = Date.now() + GIVE_UP_MS;
  let removed = 0;
  let looks = 0;
  while (Date.now() < deadline) {
    try {
      const ids = await listContainers();
      await Promise.all(ids.map(removeContainer));
      removed += ids.length;
      if (++looks > 1 && ids.length === 0) break;
    } catch {
      // the engine is busy or restarting: look again until the deadline
    }
    await new Promise((r) => setTimeout(r, RECHECK_MS));
  }
  if (removed > 0) {
    process.stderr.write(
      `l4lab: the server is gone: removed ${removed} of its container(s) (workspace ${workspace})\n`,
    );
  }
  process.exit(0);
}
