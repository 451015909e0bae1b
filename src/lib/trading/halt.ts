/** The halted banner's words and the re-arm countdown, from the breaker state and the limits. */
import type { BreakerState, RiskLimits } from '$workers/api';

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });

/** "Trading halted: daily loss 1,050 USDT reached the 1,000 USDT limit at 14:02." */
export function haltMessage(b: Pick<BreakerState, 'halted' | 'reason' | 'haltedAt'> | null): string | null {
  if (!b || !b.halted) return null;
  const reason = (b.reason ?? '').trim().replace(/[.\s]+$/, '');
  const at =
    typeof b.haltedAt === 'number' && Number.isFinite(b.haltedAt) ? ` at ${clock.format(b.haltedAt)}` : '';
  return `Trading halted${reason ? `: ${reason}` : ''}${at}.`;
}

/** When the account may be re-armed (epoch ms), or null when unknown. */
export function rearmAt(
  b: Pick<BreakerState, 'halted' | 'haltedAt'> | null,
  limits: Pick<RiskLimits, 'coolDownMs'> | null,
): number | null {
  if (!b?.halted || typeof b.haltedAt !== 'number' || !limits) return null;
  return b.haltedAt + limits.coolDownMs;
}

/** Whole seconds left until `at` (0 once passed). */
export function secondsLeft(at: number | null, now: number): number {
  if (at === null) return 0;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** "42 s", "3 min 05 s", "1 h 02 min". */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Ctrl+Shift+K (Cmd+Shift+K on a Mac) arms the kill switch. */
export function isKillSwitchKey(
  e: Pick<KeyboardEvent, 'key' | 'code' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey'>,
  mac: boolean,
): boolean {
  const k = e.code === 'KeyK' || e.key === 'K' || e.key === 'k';
  return k && e.shiftKey && !e.altKey && (mac ? e.metaKey : e.ctrlKey);
}

export function isMacPlatform(): boolean {
  if (typeof navigator === 'undefined') return false;
  const p =
    (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ??
    navigator.platform ??
    '';
  return /mac|iphone|ipad/i.test(p);
}

export function killSwitchShortcut(mac: boolean): string {
  return mac ? '⌘ Shift K' : 'Ctrl+Shift+K';
}
