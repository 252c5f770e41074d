import { useNow } from '../hooks/useNow.ts';
import { PodsTable } from './PodsTable.tsx';
import { ServicesTable } from './ServicesTable.tsx';

export function ResourcesPanel() {
  const now = useNow(1000);
  return (
    <section className="panel resources" data-testid="resources" aria-label="Resources">
      <h2>
        <code>kubectl get pods -o wide</code>
      </h2>
      <PodsTable now={now} />
      <h2>
        <code>kubectl get svc</code>
      </h2>
      <ServicesTable now={now} />
    </section>
  );
}
