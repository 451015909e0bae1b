import { describe, expect, it } from 'vitest';
import { passphraseStrength } from './passphrase-strength';

describe('passphrase strength hint', () => {
  it('grades by length, variety and the obvious', () => {
    expect(passphraseStrength('short').level).toBe('too-short');
    expect(passphraseStrength('password123456').level).toBe('weak');
    expect(passphraseStrength('aaaaaaaaaaaa').level).toBe('weak');
    expect(passphraseStrength('tangerine-kite').level).toBe('fair');
    expect(passphraseStrength('tangerine kite ocean marble').level).toBe('strong');
  });
});
