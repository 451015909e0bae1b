/** Page-side health figures (long tasks, tick-to-paint) and the engine's. Placeholder until built. */
class MonitorState {
  attached = $state(false);
  attach(): void {
    this.attached = true;
  }
}

export const monitorState = new MonitorState();
