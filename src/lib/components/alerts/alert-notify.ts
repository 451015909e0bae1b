import type { AlertFiringView } from '$workers/api';

/** How long to wait for a service worker before showing the notification from the page itself. */
const SW_WAIT_MS = 3000;

function title(f: AlertFiringView): string {
  return `Alert: ${f.name}`;
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return null;
  // `ready` never settles on a page no service worker controls (a dev build): do not wait forever.
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), SW_WAIT_MS));
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}

/**
 * A system notification for a firing, shown by the service worker so it appears while the tab is in
 * the background (and a click opens /alerts, see static/alert-notifications.js); without a service
 * worker, by the page. The firing id is the tag: tabs showing the same firing replace each other.
 */
export async function showSystemNotification(f: AlertFiringView): Promise<boolean> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  const options: NotificationOptions = {
    body: f.message,
    tag: f.id,
    icon: '/icons/icon-192.png',
    data: { url: '/alerts' },
  };
  try {
    const reg = await registration();
    if (reg) {
      await reg.showNotification(title(f), options);
      return true;
    }
    const n = new Notification(title(f), options);
    n.onclick = () => {
      window.focus();
      location.assign('/alerts');
    };
    return true;
  } catch {
    return false;
  }
}

let audio: AudioContext | null = null;

/** A short two-note chime (WebAudio, no file to load). Silent when the browser refuses audio. */
export function playChime(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    if (ctx.state === 'suspended') void ctx.resume();
    const start = ctx.currentTime + 0.01;
    [880, 1320].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = start + i * 0.14;
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.2);
    });
  } catch {
    // No audio here (blocked autoplay, no WebAudio): the toast and notification still show.
  }
}
