import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIfMissing, viteBin } from './build-if-missing.js';
import { silentLog } from './sandbox/test-support.js';

describe('buildIfMissing', () => {
  it('finds the vite command it would run on a fresh clone', () => {
    expect(existsSync(viteBin())).toBe(true);
  });

  it('leaves an existing build alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lyra-build-'));
    writeFileSync(join(dir, 'index.html'), 'x');
    expect(() => buildIfMissing(dir, silentLog)).not.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });
});
