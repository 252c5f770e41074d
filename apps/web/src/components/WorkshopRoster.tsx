import type { StudentInfo, WorkshopStatus } from '@l4lab/protocol';
import { useState } from 'react';
import type { CallOutcome } from '../api/http.ts';
import { removeStudent, resetStudent, setSpotlight } from '../api/workshopApi.ts';
import { formatAgo } from '../format/lastSeen.ts';
import { useNow } from '../hooks/useNow.ts';
import { ConfirmButton } from './ConfirmButton.tsx';

type Run = (done: string, action: () => Promise<CallOutcome<true>>) => void;

/** One action at a time, its outcome in the server's words, then a poll to show the result. */
function useRosterAction(refresh: () => void) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const run: Run = (done, action) => {
    setBusy(true);
    setOutcome(undefined);
    action()
      .then(
        (r) => setOutcome(r.ok ? { ok: true, text: done } : { ok: false, text: r.message }),
        (e: unknown) => setOutcome({ ok: false, text: `Cannot reach the lab: ${String(e)}` }),
      )
      .finally(() => {
        setBusy(false);
        refresh();
      });
  };
  return { busy, outcome, run };
}

function StudentRow({
  student: st,
  quota,
  namespaceColumn,
  spotlighted,
  now,
  busy,
  run,
}: {
  student: StudentInfo;
  quota: WorkshopStatus['quota'];
  namespaceColumn: boolean;
  spotlighted: boolean;
  now: number;
  busy: boolean;
  run: Run;
}) {
  return (
    <tr aria-label={`student ${st.name}`} className={spotlighted ? 'spotlighted' : undefined}>
      <th scope="row">{st.name}</th>
      {namespaceColumn && <td className="mono">{st.namespace}</td>}
      <td className="num">{st.viewers}</td>
      <td className="num" title={st.lastSeen}>
        {formatAgo(st.lastSeen, now)}
      </td>
      <td className="num">
        {st.pods} / {quota.pods}
      </td>
      <td className="num">
        {st.services} / {quota.services}
      </td>
      <td className="num">{st.connections}</td>
      <td>
        <div className="roster-actions">
          <button
            type="button"
            aria-pressed={spotlighted}
            disabled={busy}
            title="Show this namespace on the projector"
            onClick={() =>
              spotlighted
                ? run('spotlight cleared', () => setSpotlight(null))
                : run(`spotlight on namespace ${st.namespace}`, () => setSpotlight(st.namespace))
            }
          >
            Spotlight
          </button>
          <ConfirmButton
            label="Reset"
            confirm={`Reset ${st.name}?`}
            title="Delete every object in this student's namespace (the student stays joined)"
            disabled={busy}
            onConfirm={() => run(`namespace ${st.namespace} reset`, () => resetStudent(st.name))}
          />
          <ConfirmButton
            label="Remove"
            confirm={`Remove ${st.name}?`}
            title="Delete this student's namespace and token (they must join again)"
            disabled={busy}
            onConfirm={() => run(`${st.name} removed`, () => removeStudent(st.name))}
          />
        </div>
      </td>
    </tr>
  );
}

/** The students who joined: one row each, with the instructor's actions. */
export function WorkshopRoster({
  status,
  refresh,
}: {
  status: WorkshopStatus;
  refresh: () => void;
}) {
  const now = useNow(1000);
  const { busy, outcome, run } = useRosterAction(refresh);
  const { students, quota, spotlight } = status;
  // Joining names the namespace after the student: one column says both unless one differs.
  const namespaceColumn = students.some((s) => s.namespace !== s.name);
  return (
    <section className="roster" aria-label="Students">
      <h3>
        Students <span className="muted">({students.length})</span>
      </h3>
      {students.length === 0 ? (
        <p className="muted">No student has joined yet: the QR code leads to the Join page.</p>
      ) : (
        <table className="roster-table">
          <thead>
            <tr>
              <th scope="col">{namespaceColumn ? 'name' : 'name = namespace'}</th>
              {namespaceColumn && <th scope="col">namespace</th>}
              <th scope="col" className="num" title="Browsers of this student connected now">
                browsers
              </th>
              <th scope="col" className="num">
                last seen
              </th>
              <th scope="col" className="num">
                pods
              </th>
              <th scope="col" className="num">
                Services
              </th>
              <th
                scope="col"
                className="num"
                title="Connections to this student's Services in the last minute"
              >
                conn/min
              </th>
              <th scope="col">
                <span className="sr-only">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {students.map((st) => (
              <StudentRow
                key={st.name}
                student={st}
                quota={quota}
                namespaceColumn={namespaceColumn}
                spotlighted={spotlight === st.namespace}
                now={now}
                busy={busy}
                run={run}
              />
            ))}
          </tbody>
        </table>
      )}
      {outcome && (
        <p className={outcome.ok ? 'ok' : 'bad'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
    </section>
  );
}
