import { useEffect, useState } from 'react';
import { fetchTutorialFiles } from '../api/http.ts';
import { newRejoinCode } from '../api/workshopApi.ts';
import { CopyButton } from './CopyButton.tsx';
import {
  FIRST_TUTORIAL_FILE,
  joinCommands,
  kubeconfigFileName,
  powerShellKubeconfig,
} from './joinCommands.ts';

export interface Joined {
  name: string;
  namespace: string;
  kubeconfigUrl: string;
  /** This browser joined before (its cookie names the student). */
  earlier?: boolean;
  /** The code that joins this student again from another device, shown once. */
  rejoinCode?: string;
  /** This browser joined as a student who had joined from another device. */
  rejoined?: boolean;
}

/** The rejoin code, or a button that makes one (the first was shown once, at the join). */
function RejoinCode({ name, first }: { name: string; first: string | undefined }) {
  const [code, setCode] = useState(first);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  async function make() {
    const r = await newRejoinCode();
    if (r.ok) setCode(r.value);
    else setRefusal(r.message);
  }
  return (
    <div className="join-rejoin" data-testid="rejoin-code">
      {code ? (
        <p>
          Your rejoin code: <b className="join-code">{code}</b> (note it). On another device (a
          second laptop, your phone), join as <b>{name}</b> with it.
        </p>
      ) : (
        <p className="muted">
          Joining from another device too?{' '}
          <button type="button" onClick={() => void make()}>
            Make a rejoin code
          </button>{' '}
          (any code made before stops working)
        </p>
      )}
      {refusal && <p className="bad">{refusal}</p>}
    </div>
  );
}

/** A download link for the tutorial's first file, so `kubectl apply -f` finds it on the laptop. */
function useTutorialFileUrl(name: string): string | undefined {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    let made: string | undefined;
    let cancelled = false;
    fetchTutorialFiles().then(
      (files) => {
        const file = files?.find((f) => f.name === name);
        if (cancelled || !file) return;
        made = URL.createObjectURL(new Blob([file.text], { type: 'application/yaml' }));
        setUrl(made);
      },
      () => undefined, // the link is a convenience; the commands stand without it
    );
    return () => {
      cancelled = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [name]);
  return url;
}

function Command({ text }: { text: string }) {
  return (
    <li className="join-command">
      <code>{text}</code>
      <CopyButton text={text} />
    </li>
  );
}

/** After joining: who you are, your kubeconfig, the commands that use it, and the way to the lab. */
export function JoinedSteps({ joined }: { joined: Joined }) {
  const { name, namespace, kubeconfigUrl } = joined;
  const fileUrl = useTutorialFileUrl(FIRST_TUTORIAL_FILE);
  return (
    <div className="joined" data-testid="joined">
      <p className="join-who" role="status">
        You are <b>{name}</b>, namespace <b>{namespace}</b>
      </p>
      {joined.earlier && (
        <p className="muted">This browser joined earlier: here is the same namespace.</p>
      )}
      {joined.rejoined && (
        <p className="muted">Joined again, from this device: the same namespace.</p>
      )}
      <a className="join-download" href={kubeconfigUrl} download={kubeconfigFileName(namespace)}>
        Download kubeconfig
      </a>
      <p>Then, in a terminal:</p>
      <ol className="join-commands">
        {joinCommands(namespace).map((c) => (
          <Command key={c} text={c} />
        ))}
      </ol>
      <p className="muted">
        {fileUrl ? (
          <>
            <a href={fileUrl} download={FIRST_TUTORIAL_FILE}>
              Download {FIRST_TUTORIAL_FILE}
            </a>{' '}
            into the folder you run kubectl from.{' '}
          </>
        ) : null}
        On Windows PowerShell, the first line is <code>{powerShellKubeconfig(namespace)}</code>
      </p>
      <RejoinCode name={name} first={joined.rejoinCode} />
      <a className="join-open" href="/">
        Open my lab
      </a>
    </div>
  );
}
