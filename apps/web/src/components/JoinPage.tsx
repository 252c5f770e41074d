import { useEffect, useState, type FormEvent } from 'react';
import type { WorkshopUser } from '@l4lab/protocol';
import { fetchWhoAmI, joinWorkshop } from '../api/workshopApi.ts';
import { joinNameErrors } from '../format/dnsLabel.ts';
import { JoinedSteps, type Joined } from './JoinedSteps.tsx';
import '../styles/workshop.css';

/** Where a student's kubeconfig downloads when this browser joined earlier (the cookie holds it). */
const KUBECONFIG_URL = '/api/workshop/kubeconfig';

function joinedEarlier(user: WorkshopUser): Joined | undefined {
  if (user.role !== 'student' || !user.namespace) return undefined;
  return {
    name: user.name,
    namespace: user.namespace,
    kubeconfigUrl: KUBECONFIG_URL,
    earlier: true,
  };
}

/**
 * `/join?code=...`: a student names themselves (or not), joins, and gets their namespace, their
 * kubeconfig and the commands to use it. The QR code on the projector leads here.
 */
export function JoinPage() {
  const code = new URLSearchParams(location.search).get('code') ?? '';
  const [joined, setJoined] = useState<Joined | undefined>(undefined);
  const [instructor, setInstructor] = useState(false);
  useEffect(() => {
    // A browser that joined before (the tab was closed) is shown its namespace, not a second one.
    fetchWhoAmI().then(
      (r) => {
        if (!r.ok) return;
        setJoined((j) => j ?? joinedEarlier(r.value.user));
        setInstructor(r.value.workshop && r.value.user.role === 'instructor');
      },
      () => undefined,
    );
  }, []);
  return (
    <main className="join-page">
      <header>
        <h1>l4lab</h1>
        <span className="muted">Kubernetes Services, live</span>
      </header>
      <section className="join-card" aria-label="Join the workshop">
        <h2>Join the workshop</h2>
        {joined ? (
          <JoinedSteps joined={joined} />
        ) : code === '' ? (
          <p className="join-lead">
            This page needs the workshop&apos;s join code: scan the QR code on the projector, or
            type the address shown under it.
          </p>
        ) : (
          <>
            {instructor && (
              <p className="warn join-refusal" role="note">
                This browser is the instructor&apos;s: joining here turns it into a student&apos;s.
                To try the page, use another browser or a private window.
              </p>
            )}
            <JoinForm code={code} onJoined={setJoined} />
          </>
        )}
      </section>
    </main>
  );
}

function JoinForm({ code, onJoined }: { code: string; onJoined(j: Joined): void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  /** The name is a student's already: the one who joined may be on another device. */
  const [taken, setTaken] = useState<string | undefined>(undefined);
  const [rejoin, setRejoin] = useState('');
  const problems = joinNameErrors(name);
  const rejoining = taken !== undefined && taken === name && rejoin.trim() !== '';
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (problems.length > 0 || busy) return;
    setBusy(true);
    setRefusal(undefined);
    try {
      const r = await joinWorkshop(code, name, rejoining ? rejoin.trim() : undefined);
      if (r.ok) onJoined(r.value);
      else {
        setRefusal(r.message);
        if (r.status === 409 && name !== '') setTaken(name);
      }
    } catch (err) {
      setRefusal(`Cannot reach the lab: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="join-form" onSubmit={(e) => void submit(e)}>
      <p className="join-lead">
        Join from the laptop you will run <code>kubectl</code> on: you get a namespace of your own
        and a kubeconfig for it.
      </p>
      <label htmlFor="join-name">Your name (optional): it becomes your namespace</label>
      <input
        id="join-name"
        name="name"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        placeholder="empty: student-<n>"
        value={name}
        aria-invalid={problems.length > 0}
        aria-describedby="join-name-problems"
        onChange={(e) => setName(e.target.value)}
      />
      <div id="join-name-problems" className="join-problems" aria-live="polite">
        {problems.map((p) => (
          <p key={p} className="bad">
            {p}
          </p>
        ))}
      </div>
      {taken !== undefined && taken === name && (
        <>
          <label htmlFor="join-rejoin">
            You are {name}, on another device? Your rejoin code (shown when you joined)
          </label>
          <input
            id="join-rejoin"
            name="rejoin"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="XXXX-XXXX"
            value={rejoin}
            onChange={(e) => setRejoin(e.target.value)}
          />
        </>
      )}
      <button type="submit" className="primary join-button" disabled={busy || problems.length > 0}>
        {busy ? 'Joining…' : rejoining ? `Join again as ${name}` : 'Join'}
      </button>
      {refusal && (
        <p className="bad join-refusal" role="alert">
          {refusal}
        </p>
      )}
    </form>
  );
}
