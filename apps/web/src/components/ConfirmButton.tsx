import { useEffect, useState } from 'react';

/**
 * A destructive action in two clicks (as the editor's Delete): the first turns the button into
 * `confirm` for 5 s, the second runs `onConfirm`. No modal: the roster keeps polling under it.
 */
export function ConfirmButton({
  label,
  confirm,
  title,
  disabled,
  onConfirm,
}: {
  label: string;
  confirm: string;
  title: string;
  disabled?: boolean;
  onConfirm(): void;
}) {
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) return;
    const t = setTimeout(() => setConfirming(false), 5000);
    return () => clearTimeout(t);
  }, [confirming]);
  return confirming ? (
    <button
      type="button"
      className="danger"
      disabled={disabled}
      onClick={() => {
        setConfirming(false);
        onConfirm();
      }}
    >
      {confirm}
    </button>
  ) : (
    <button type="button" disabled={disabled} title={title} onClick={() => setConfirming(true)}>
      {label}
    </button>
  );
}
