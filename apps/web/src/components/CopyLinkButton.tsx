import { useState } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { scenarioLink } from '../sharing/scenarioLink.ts';
import '../styles/sharing.css';

const selectActive = (s: AppState) => ({ activeTab: s.activeTab });

/** The link and the tab it was made from: shown while that tab is in front. */
type Shown = { link: string; copied: boolean; tab: string } | undefined;

/** Puts the link on the clipboard where the page may (a secure context), else leaves it shown. */
async function copy(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A link that opens the active tab's YAML in a new tab of whoever opens it. */
export function CopyLinkButton() {
  const [shown, setShown] = useState<Shown>(undefined);
  const { activeTab } = useAppStore(selectActive);
  async function makeLink() {
    const { buffer, tabs, activeTab: tab, showSharingNotice } = appStore.getState();
    const title = tabs.find((t) => t.id === tab)?.title ?? 'shared.yaml';
    if (buffer.trim() === '') {
      showSharingNotice({
        tone: 'error',
        title: 'No link made',
        lines: ['This tab is empty: there is nothing to share.'],
      });
      return;
    }
    const link = await scenarioLink(window.location.origin, buffer, title);
    if (!link.ok) {
      showSharingNotice({ tone: 'error', title: 'No link made', lines: [link.reason] });
      return;
    }
    setShown({ link: link.data, copied: await copy(link.data), tab });
  }
  return (
    <>
      <button
        type="button"
        onClick={() => void makeLink()}
        title="A link that opens this tab's YAML in a new editor tab"
      >
        Copy link
      </button>
      {shown?.tab === activeTab && (
        <div className="share-link" role="group" aria-label="Scenario link">
          <input
            readOnly
            value={shown.link}
            aria-label="Link to this tab"
            data-testid="scenario-link"
            onFocus={(e) => e.currentTarget.select()}
          />
          <span className="hint" role="status">
            {shown.copied
              ? `Copied (${shown.link.length} characters). Whoever opens it gets this YAML in a new tab, not applied.`
              : 'Select it and copy (Ctrl+C): this page may not use the clipboard.'}
          </span>
          <button
            type="button"
            className="close"
            aria-label="Close the link"
            onClick={() => setShown(undefined)}
          >
            ×
          </button>
        </div>
      )}
    </>
  );
}
