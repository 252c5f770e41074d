/**
 * Copies `text` to the clipboard. A student reaches the lab at `http://<instructor-ip>:7070`, not
 * a secure context, where `navigator.clipboard` does not exist: there the text goes through a
 * selected, off-screen textarea and the browser's copy command.
 */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // refused (no permission, no focus): try the old way below
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.left = '-9999px';
  document.body.append(area);
  area.select();
  try {
    // Deprecated, but the only copy an insecure (plain http) page has.
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
