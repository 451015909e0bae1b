import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { AccountPage } from './pages/account-page';
import { VirtualAuthenticator } from './support/virtual-authenticator';

/**
 * The server's refusals, seen from the browser as an attacker in the page would meet them: the relay
 * without a session, to a host that is not an exchange, with a body too large; a passkey sign-in
 * replayed. (Expiry after 5 minutes and redirects are covered at the server with an injected clock and
 * a redirecting upstream: server/auth/auth.test.ts, server/relay/relay.test.ts.)
 */

interface Answer {
  status: number;
  code: string | null;
}

/** A request from the page itself (same origin, its cookies), answered as status and error code. */
async function send(
  page: Page,
  path: string,
  init: { method?: string; body?: string } = {},
): Promise<Answer> {
  return page.evaluate(
    async ({ path, init }) => {
      const r = await fetch(path, {
        method: init.method ?? 'GET',
        body: init.body,
        headers: init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      });
      const text = await r.text();
      let code: string | null = null;
      try {
        const json = JSON.parse(text) as { error?: { code?: string } | string };
        if (typeof json.error === 'object') code = json.error.code ?? null;
      } catch {
        // Not JSON (e.g. a body-size refusal page): no code.
      }
      return { status: r.status, code };
    },
    { path, init },
  );
}

const sandboxTime = (origin: string) => `/relay/${encodeURIComponent(`${origin}/api/v3/time`)}`;

test.describe('Security from the browser', () => {
  test('the relay refuses a request without a session, a host off the allowlist and an oversized body', async ({
    page,
  }) => {
    const account = new AccountPage(page);
    await account.open();
    const origin = new URL(page.url()).origin;

    const signedOut = await send(page, sandboxTime(origin));
    expect(signedOut).toEqual({ status: 401, code: 'signed-out' });

    await VirtualAuthenticator.add(page, { prf: false });
    await account.createAccount(`Security ${test.info().project.name}`);
    await account.expectSignedIn(`Security ${test.info().project.name}`);

    // Signed in, the same request goes through to the sandbox exchange.
    expect((await send(page, sandboxTime(origin))).status).toBe(200);
    // Anything that is not an exchange API host is refused, whatever the path.
    const offList = await send(page, `/relay/${encodeURIComponent('https://example.com/api/v3/time')}`);
    expect(offList.status).toBe(403);
    const internal = await send(page, `/relay/${encodeURIComponent('http://127.0.0.1:5432/')}`);
    expect(internal.status).toBe(403);
    // Bodies are capped (an order is a few hundred bytes).
    const huge = await send(page, `/relay/${encodeURIComponent(`${origin}/api/v3/order`)}`, {
      method: 'POST',
      body: `symbol=BTCUSDT&pad=${'x'.repeat(200_000)}`,
    });
    expect(huge.status).toBe(413);
  });

  test('a passkey sign-in replayed is refused: each challenge works once', async ({ page }) => {
    const account = new AccountPage(page);
    await account.open();
    await VirtualAuthenticator.add(page, { prf: false });
    const name = `Replay ${test.info().project.name}`;
    await account.createAccount(name);
    await account.expectSignedIn(name);
    await account.signOut();

    // Sign in again, keeping a copy of exactly what the browser sent.
    const sent = page.waitForRequest(
      (r) => r.url().endsWith('/auth/sign-in/verify') && r.method() === 'POST',
    );
    await account.signIn();
    await account.expectSignedIn(name);
    const body = (await sent).postData() ?? '';
    expect(body).toContain('"response"');

    const replay = await page.evaluate(async (payload) => {
      const r = await fetch('/auth/sign-in/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
      });
      return { status: r.status, body: (await r.json()) as { error?: { code?: string } } };
    }, body);
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.body.error?.code).toBe('challenge-used');
  });
});
