import { describe, expect, it } from 'vitest';
import config from '../svelte.config.js';

// The build writes this policy into every page as a <meta> tag; server/app.ts adds the header-only parts.
describe("the page's Content-Security-Policy (svelte.config.js kit.csp)", () => {
  const csp = config.kit?.csp;
  const directives = (csp?.directives ?? {}) as Record<string, string[] | undefined>;

  it('hashes the inline bootstrap, so no other inline script can run', () => {
    expect(csp?.mode).toBe('hash');
    const scripts = directives['script-src'];
    expect(scripts).toContain('self');
    expect(scripts).not.toContain('unsafe-inline');
    expect(scripts).not.toContain('unsafe-eval');
    expect(scripts).not.toContain('strict-dynamic');
    // Nothing may fall back to a looser default either.
    expect(directives['default-src']).toEqual(['self']);
    for (const name of ['worker-src', 'default-src'])
      for (const bad of ['unsafe-inline', 'unsafe-eval', 'data:', 'blob:', '*'])
        expect(directives[name] ?? [], `${name} ${bad}`).not.toContain(bad);
  });

  it('allows no plugins and no base or form target elsewhere', () => {
    expect(directives['object-src']).toEqual(['none']);
    expect(directives['base-uri']).toEqual(['self']);
    expect(directives['form-action']).toEqual(['self']);
  });
});
