/** Alerts as the page sees them: fed by the engine's alert events. Placeholder until built. */
class AlertsState {
  started = $state(false);
  start(): void {
    this.started = true;
  }
}

export const alertsState = new AlertsState();
