import { unsupportedModeText } from '../format/nftRules.ts';
import { useDataplaneStatus } from '../hooks/useDataplaneStatus.ts';
import '../styles/dataplane.css';

/**
 * The drawer header's warning for a Service whose proxy mode (`ipvs:*`, `maglev`) nftables cannot
 * express: kube-proxy's nftables mode serves it at random instead (kernel dataplane only).
 */
export function ProxyModeBadge({ namespace, name }: { namespace: string; name: string }) {
  const text = unsupportedModeText(useDataplaneStatus(), namespace, name);
  if (!text) return null;
  return (
    <div className="drawer-badges">
      <span
        className="badge warn"
        role="status"
        data-testid="proxy-mode-badge"
        title="kube-proxy's nftables rules pick an endpoint with `numgen random`: the IPVS schedulers and maglev have no nftables form, so this Service is served at random (see its ProxyModeNotAvailable event)"
      >
        {text}
      </span>
    </div>
  );
}
