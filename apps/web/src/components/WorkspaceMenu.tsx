import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { exportWorkspace, importWorkspace } from '../sharing/workspaceTransfer.ts';
import { openRecording } from '../replay/replayController.ts';
import type { AppState } from '../store/createAppStore.ts';
import { canWrite } from '../store/workshopSlice.ts';
import '../styles/sharing.css';

const selectWrite = (s: AppState) => ({ writes: canWrite(s) });

/** The header's Workspace menu: the whole workspace to a file and back. */
export function WorkspaceMenu() {
  const { writes } = useAppStore(selectWrite);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const recordingInput = useRef<HTMLInputElement>(null);
  const menu = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    // A click elsewhere or Escape closes the menu, as a menu does.
    const outside = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);
  async function run(work: () => Promise<void>) {
    setOpen(false);
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  }
  function chosen(e: React.ChangeEvent<HTMLInputElement>) {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = ''; // the same file chosen again is a new import
    if (file) void run(() => importWorkspace(file));
  }
  return (
    <span className="workspace-menu" ref={menu}>
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={busy}
        onClick={() => setOpen(!open)}
        title="Export or import the whole workspace (objects, editor tabs, lesson progress), or open a recording"
      >
        Workspace ▾
      </button>
      {open && (
        <span className="workspace-menu-items" role="menu">
          <button type="button" role="menuitem" onClick={() => void run(exportWorkspace)}>
            Export workspace
          </button>
          {writes && (
            <button type="button" role="menuitem" onClick={() => fileInput.current?.click()}>
              Import workspace…
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            title="Replay a recording file in this browser (no real traffic)"
            onClick={() => {
              setOpen(false);
              recordingInput.current?.click();
            }}
          >
            Open recording…
          </button>
        </span>
      )}
      <input
        ref={recordingInput}
        type="file"
        accept=".json,application/json"
        aria-label="Recording file"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ''; // the same file again is a new choice
          if (file) void openRecording(file);
        }}
      />
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Workspace file to import"
        data-testid="workspace-file"
        onChange={chosen}
      />
    </span>
  );
}
