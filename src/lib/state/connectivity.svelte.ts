import { engine } from '$lib/engine/engine';

/** The browser's view of the network, passed on to the engine (workers do not always see it). */
class Connectivity {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  private attached = false;

  attach(): void {
    if (this.attached || typeof window === 'undefined') return;
    this.attached = true;
    const update = () => {
      this.online = navigator.onLine;
      void engine().market.setOnline(this.online);
    };
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    update();
  }
}

export const connectivity = new Connectivity();
