/**
 * A rough, honest hint while choosing a passphrase: length and variety, and a nudge away from the
 * obvious. It does not claim an entropy it cannot know; the engine enforces the minimum length.
 */
export const MIN_PASSPHRASE_LENGTH = 10;

export interface StrengthHint {
  level: 'too-short' | 'weak' | 'fair' | 'strong';
  message: string;
}

const common = ['password', 'passphrase', 'qwerty', '123456', 'letmein', 'bitcoin', 'binance', 'lyra'];

export function passphraseStrength(passphrase: string): StrengthHint {
  const chars = [...passphrase];
  if (chars.length < MIN_PASSPHRASE_LENGTH) {
    return {
      level: 'too-short',
      message: `At least ${MIN_PASSPHRASE_LENGTH} characters (${chars.length} so far).`,
    };
  }
  const lower = passphrase.toLowerCase();
  const distinct = new Set(chars).size;
  const words = passphrase.trim().split(/\s+/).filter(Boolean).length;
  if (common.some((w) => lower.includes(w)) || distinct < 6) {
    return { level: 'weak', message: 'Easy to guess: avoid common words and repeated characters.' };
  }
  if (chars.length >= 20 || (words >= 4 && chars.length >= 16)) {
    return { level: 'strong', message: 'Strong. Write it down somewhere safe: Lyra cannot recover it.' };
  }
  return { level: 'fair', message: 'Fair. Four or more unrelated words make it much stronger.' };
}
