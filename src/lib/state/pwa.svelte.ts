import { Workbox } from 'workbox-window';

interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** Install and update state of the installable app. */
class PwaState {
  /** The browser offers installation (Chromium fires beforeinstallprompt). */
  canInstall = $state(false);
  installed = $state(false);
  /** A new version is downloaded and waiting; reloading switches to it. */
  updateReady = $state(false);
  /** The service worker controls the page: it will open without the network. */
  offlineReady = $state(false);
  private deferred: InstallPromptEvent | null = null;
  private wb: Workbox | null = null;
  private attached = false;

  attach(): void {
    if (this.attached || typeof window === 'undefined') return;
    this.attached = true;
    this.installed = window.matchMedia('(display-mode: standalone)').matches;
    window.addEventListener('beforeinstallprompt', (e) => {
      e.preventDefault();
      this.deferred = e as InstallPromptEvent;
      this.canInstall = true;
    });
    window.addEventListener('appinstalled', () => {
      this.installed = true;
      this.canInstall = false;
      this.deferred = null;
    });
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
    const wb = new Workbox('/sw.js', { scope: '/', type: 'classic' });
    this.wb = wb;
    wb.addEventListener('waiting', () => (this.updateReady = true));
    // A newer version can also take over without waiting, when no page was under the old one's control
    // (the very first visit). This page still runs the old code: offer the same reload.
    wb.addEventListener('activated', (e) => {
      if (e.isUpdate || e.isExternal) this.updateReady = true;
    });
    wb.addEventListener('activated', () => (this.offlineReady = true));
    wb.addEventListener('controlling', () => (this.offlineReady = true));
    void wb.register().then((registration) => {
      if (registration?.active) this.offlineReady = true;
      if (registration) this.watchRegistration(registration);
    });
    // Look for a new version when the app comes back to the foreground, and hourly while open.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void this.checkForUpdate();
    });
    window.addEventListener('online', () => void this.checkForUpdate());
    setInterval(() => void this.checkForUpdate(), 60 * 60 * 1000);
  }

  /**
   * The registration's own view, besides workbox-window's events: a version found by any update check
   * (the browser's, another tab's) that installs and waits behind this page's controller is an update,
   * even when it was found before workbox-window listened.
   */
  private watchRegistration(registration: ServiceWorkerRegistration): void {
    const offerIfWaiting = () => {
      if (registration.waiting && navigator.serviceWorker.controller) this.updateReady = true;
    };
    offerIfWaiting();
    registration.addEventListener('updatefound', () => {
      const incoming = registration.installing;
      incoming?.addEventListener('statechange', () => {
        if (incoming.state === 'installed') offerIfWaiting();
      });
    });
  }

  /** Outcome of the last check the user asked for, in words. */
  checkResult = $state<string | null>(null);

  async checkForUpdate(userAsked = false): Promise<void> {
    if (userAsked) this.checkResult = 'Checking…';
    try {
      if (!this.wb) throw new Error('no service worker');
      await this.wb.update();
      if (!userAsked) return;
      // A found update installs in the background; "waiting" then shows the reload prompt.
      const reg = await navigator.serviceWorker.getRegistration();
      if (reg?.waiting && navigator.serviceWorker.controller) this.updateReady = true;
      if (this.updateReady) this.checkResult = 'A new version is ready.';
      else if (reg?.installing) this.checkResult = 'Downloading a new version…';
      else this.checkResult = 'Lyra is up to date.';
    } catch {
      // Offline or the server is down: the next check tries again.
      if (userAsked)
        this.checkResult = navigator.onLine
          ? 'Could not reach the server to check.'
          : 'You are offline: Lyra checks again when the network is back.';
    }
  }

  async install(): Promise<void> {
    const prompt = this.deferred;
    if (!prompt) return;
    await prompt.prompt();
    const choice = await prompt.userChoice;
    this.deferred = null;
    this.canInstall = false;
    if (choice.outcome === 'accepted') this.installed = true;
  }

  /** Switches to the waiting version: the page reloads once the new service worker takes control. */
  async applyUpdate(): Promise<void> {
    const wb = this.wb;
    if (!wb) return;
    const registration = await navigator.serviceWorker.getRegistration();
    // Already active (it did not have to wait): a reload is all it takes.
    if (!registration?.waiting) {
      window.location.reload();
      return;
    }
    wb.addEventListener('controlling', () => window.location.reload());
    wb.messageSkipWaiting();
  }

  dismissUpdate(): void {
    this.updateReady = false;
  }
}

export const pwa = new PwaState();
