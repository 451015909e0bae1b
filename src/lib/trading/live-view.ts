import type { EngineError, TradingAccountChoice, TradingSnapshot } from '$workers/api';

/** Shown wherever a viewer meets a trading control: the same words on the ticket and the panels. */
export const READ_ONLY_MESSAGE = 'Read-only viewer: you can see but not trade';

export type LiveInfo = NonNullable<NonNullable<TradingSnapshot['account']>['live']>;
export type LiveConnection = NonNullable<TradingSnapshot['live']>;

/** What the person can do about a failure, as a link to the screen that fixes it. */
export interface NextStep {
  route: '/settings' | '/account';
  label: string;
}

/** The id `useAccount` takes for the account the engine trades on now. */
export function activeAccountId(
  live: LiveInfo | null | undefined,
  choices: TradingAccountChoice[] | null,
): string {
  if (live) return live.vaultId;
  return choices?.find((c) => c.active)?.id ?? 'paper';
}

/** The badge text: paper, or live (and which kind of live, so the sandbox is never mistaken for money). */
export function accountBadge(live: LiveInfo | null | undefined): string {
  if (!live) return 'Paper';
  return live.venue === 'sandbox' ? 'Live · sandbox' : 'Live';
}

/** How a choice reads in the account list. */
export function choiceLabel(c: TradingAccountChoice): string {
  if (c.kind === 'paper') return 'Paper account';
  return `${c.label} (${c.venue === 'sandbox' ? 'live · sandbox' : 'live'})`;
}

/** The exchange connection of a live account, in words; `tone` picks the colour. */
export function connectionStatus(
  connection: LiveConnection | null | undefined,
  vaultLocked: boolean,
): { text: string; tone: 'ok' | 'warn' | 'off' } {
  if (!connection) return { text: vaultLocked ? 'Off: the vault is locked' : 'Not connected', tone: 'off' };
  switch (connection.status) {
    case 'streaming':
      return { text: 'Connected: live updates', tone: 'ok' };
    case 'polling':
      return { text: 'Connected: checking every few seconds (stream down)', tone: 'warn' };
    case 'connecting':
      return { text: 'Connecting…', tone: 'warn' };
    default: {
      const why = connection.error?.message ?? (vaultLocked ? 'the vault is locked' : null);
      const base = connection.status === 'stopped' ? 'Stopped' : 'Off';
      return { text: why ? `${base}: ${why}` : base, tone: 'off' };
    }
  }
}

/** The screen that fixes an error, by its code (null when there is nothing to go and do). */
export function nextStepFor(error: Pick<EngineError, 'code'> | null | undefined): NextStep | null {
  switch (error?.code) {
    case 'vault-locked':
    case 'live-closed':
      return { route: '/settings', label: 'Unlock the vault in Settings' };
    case 'vault-not-set-up':
      return { route: '/settings', label: 'Set up the vault in Settings' };
    case 'auth':
    case 'not-found':
      return { route: '/settings', label: 'Check the account in Settings' };
    case 'signed-out':
      return { route: '/account', label: 'Sign in on Account' };
    default:
      return null;
  }
}

/** A live connection that is down because of the vault or the sign-in says where to fix it. */
export function connectionNextStep(
  connection: LiveConnection | null | undefined,
  vaultLocked: boolean,
): NextStep | null {
  if (!connection) return vaultLocked ? nextStepFor({ code: 'vault-locked' }) : null;
  if (connection.status === 'streaming' || connection.status === 'polling') return null;
  if (connection.status === 'connecting') return null;
  return nextStepFor(connection.error) ?? (vaultLocked ? nextStepFor({ code: 'vault-locked' }) : null);
}

/**
 * What to do about an order the exchange path refused, by the refusal's code (the relay's sign-in
 * refusal, a locked vault); orders stored before refusals carried a code fall back to the words.
 */
export function nextStepForRefusal(refusal: { reason: string; code: string | null }): NextStep | null {
  if (refusal.code) return nextStepFor({ code: refusal.code });
  return /\bsign(ed)? in\b/i.test(refusal.reason) ? nextStepFor({ code: 'signed-out' }) : null;
}
