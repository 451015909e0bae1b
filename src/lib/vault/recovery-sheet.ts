/** Copy and print for the recovery key, shown once after setup. */

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Prints only the key (not the whole settings page) from a blank window. */
export function printRecoveryKey(recoveryKey: string): boolean {
  const w = window.open('', '_blank', 'width=600,height=400');
  if (!w) return false;
  const doc = w.document;
  doc.title = 'Lyra recovery key';
  const heading = doc.createElement('h1');
  heading.textContent = 'Lyra vault recovery key';
  const key = doc.createElement('p');
  key.textContent = recoveryKey;
  key.style.cssText = 'font: 20px ui-monospace, monospace; letter-spacing: 1px';
  const note = doc.createElement('p');
  note.textContent = `Printed ${new Date().toLocaleDateString()}. Anyone with this key and this device can open the vault. Keep it somewhere safe.`;
  doc.body.append(heading, key, note);
  w.print();
  w.close();
  return true;
}
