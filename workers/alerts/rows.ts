/** Alerts as the database holds them. Placeholder shapes: the alerts service defines them fully. */
export interface AlertRow {
  id: string;
  status: string;
  symbol: string | null;
}

export interface AlertFiringRow {
  id: string;
  alertId: string;
  time: number;
}
