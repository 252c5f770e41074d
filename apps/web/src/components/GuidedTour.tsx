import { useState } from 'react';
import { TOUR_KEY, writeItem } from '../persist/storage.ts';
import { appStore } from '../store/appStore.ts';

const STEPS = [
  [
    'Edit real Kubernetes YAML',
    'The editor on the left holds manifests (tabs, scenarios). Apply with Ctrl+S, or turn on Live to apply every valid edit as you type.',
  ],
  [
    'Watch real connections',
    'The graph shows clients → frontends (ClusterIP, NodePort, LB IP) → Services → pods on their nodes. Every dot is one real TCP/UDP connection, coloured by outcome.',
  ],
  [
    'Make traffic, break things',
    'Start a generator on the right. Click a pod to kill it, make it unready or exec into it; click a node to stop it; click a Service to change its proxy mode.',
  ],
  [
    'Explain what happened',
    'Distribution says whether the split is balanced (χ²). The Connections tab lists each connection with the reason for its routing, and rewinds the last 60 s.',
  ],
] as const;

/** A four-step introduction on the first visit; never shown again once closed. */
export function GuidedTour() {
  const [step, setStep] = useState(0);
  const close = () => {
    writeItem(TOUR_KEY, '1');
    appStore.getState().setOverlay(undefined);
  };
  const [title, text] = STEPS[step]!;
  return (
    <div className="overlay tour" role="presentation">
      <div className="dialog" role="dialog" aria-modal="true" aria-label="Guided tour">
        <p className="muted small">
          {step + 1} / {STEPS.length}
        </p>
        <h2>{title}</h2>
        <p>{text}</p>
        <div className="toolbar">
          <button type="button" onClick={close}>
            Skip tour
          </button>
          <span className="spacer" />
          {step > 0 && (
            <button type="button" onClick={() => setStep(step - 1)}>
              Back
            </button>
          )}
          <button
            type="button"
            className="primary"
            onClick={() => (step + 1 < STEPS.length ? setStep(step + 1) : close())}
          >
            {step + 1 < STEPS.length ? 'Next' : 'Done'}
          </button>
        </div>
      </div>
    </div>
  );
}
