import { describe, expect, it } from 'vitest';
import {
  accountBadge,
  activeAccountId,
  choiceLabel,
  connectionNextStep,
  connectionStatus,
  nextStepFor,
  nextStepForRefusal,
} from './live-view';

const err = (code: string, message = 'why') => ({ code, message, retryable: false });

describe('live view', () => {
  it('names the account kind so the sandbox is never mistaken for real money', () => {
    expect(accountBadge(null)).toBe('Paper');
    expect(accountBadge({ vaultId: 'v1', venue: 'sandbox' })).toBe('Live · sandbox');
    expect(accountBadge({ vaultId: 'v1', venue: 'live' })).toBe('Live');
    expect(
      choiceLabel({ id: 'paper', label: 'Paper (binance)', kind: 'paper', venue: 'paper', active: true }),
    ).toBe('Paper account');
    expect(choiceLabel({ id: 'v1', label: 'Main', kind: 'live', venue: 'sandbox', active: false })).toBe(
      'Main (live · sandbox)',
    );
  });

  it('takes the active account from the snapshot first, then the list', () => {
    const choices = [
      { id: 'paper', label: 'P', kind: 'paper' as const, venue: 'paper' as const, active: false },
      { id: 'v2', label: 'L', kind: 'live' as const, venue: 'sandbox' as const, active: true },
    ];
    expect(activeAccountId({ vaultId: 'v1', venue: 'sandbox' }, choices)).toBe('v1');
    expect(activeAccountId(null, choices)).toBe('v2');
    expect(activeAccountId(null, null)).toBe('paper');
  });

  it('says how the live connection is doing, with the reason when it is off', () => {
    expect(connectionStatus({ status: 'streaming', error: null }, false)).toEqual({
      text: 'Connected: live updates',
      tone: 'ok',
    });
    expect(connectionStatus({ status: 'polling', error: null }, false).tone).toBe('warn');
    expect(connectionStatus({ status: 'off', error: null }, true).text).toBe('Off: the vault is locked');
    expect(connectionStatus({ status: 'off', error: err('auth', 'Key refused.') }, false).text).toBe(
      'Off: Key refused.',
    );
    expect(connectionStatus(null, false).tone).toBe('off');
  });

  it('points each failure at the screen that fixes it', () => {
    expect(nextStepFor(err('vault-locked'))).toEqual({
      route: '/settings',
      label: 'Unlock the vault in Settings',
    });
    expect(nextStepFor(err('live-closed'))?.route).toBe('/settings');
    expect(nextStepFor(err('signed-out'))).toEqual({ route: '/account', label: 'Sign in on Account' });
    expect(nextStepFor(err('read-only'))).toBeNull();
    expect(nextStepFor(null)).toBeNull();
    expect(connectionNextStep({ status: 'off', error: null }, true)?.label).toBe(
      'Unlock the vault in Settings',
    );
    expect(connectionNextStep({ status: 'streaming', error: null }, true)).toBeNull();
    expect(connectionNextStep(null, true)?.route).toBe('/settings');
    expect(connectionNextStep(null, false)).toBeNull();
    expect(connectionNextStep({ status: 'off', error: err('signed-out') }, false)?.route).toBe('/account');
    expect(nextStepForRefusal({ reason: 'Refused by the relay.', code: 'signed-out' })).toEqual({
      route: '/account',
      label: 'Sign in on Account',
    });
    expect(nextStepForRefusal({ reason: 'Not enough USDT.', code: 'insufficient-funds' })).toBeNull();
    // Orders refused before refusals carried a code: the words decide.
    expect(
      nextStepForRefusal({ reason: 'The Lyra server needs you signed in: open Account.', code: null })?.route,
    ).toBe('/account');
    expect(nextStepForRefusal({ reason: 'Insufficient balance.', code: null })).toBeNull();
  });
});
