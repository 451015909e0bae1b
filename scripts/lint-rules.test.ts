import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The boundary between UI and engine is enforced by lint; this proves the rule fires where it must.
describe('lint: the UI never imports ccxt or Dexie', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const ruleHits = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it('rejects ccxt and dexie imports anywhere under src/', async () => {
    expect(
      await ruleHits("import ccxt from 'ccxt';\nexport const x = ccxt;\n", 'src/lib/state/bad.ts'),
    ).toEqual([expect.stringContaining('ccxt runs in the engine workers')]);
    expect(
      await ruleHits("import { Dexie } from 'dexie';\nexport const x = Dexie;\n", 'src/routes/bad.ts'),
    ).toEqual([expect.stringContaining('IndexedDB is owned by the engine workers')]);
    expect(
      await ruleHits("import b from 'lyra-ccxt/binance';\nexport const x = b;\n", 'src/lib/bad.ts'),
    ).toHaveLength(1);
  });

  it('allows them in the engine', async () => {
    expect(
      await ruleHits("import { Dexie } from 'dexie';\nexport const x = Dexie;\n", 'workers/store/ok.ts'),
    ).toEqual([]);
  });
});
