import { chromium, expect, test } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunch } from './browser';

test.describe('Installable app', () => {
  test('the manifest has name, icons (192, 512, maskable), colours and standalone display', async ({
    request,
  }) => {
    const html = await (await request.get('/trade')).text();
    const href = /<link rel="manifest" href="([^"]+)"/.exec(html)?.[1];
    expect(href, 'manifest link in the page').toBeTruthy();
    const manifest = await (await request.get(href!)).json();
    expect(manifest).toMatchObject({
      name: 'Lyra trading terminal',
      short_name: 'Lyra',
      display: 'standalone',
      start_url: '/',
      theme_color: '#0b0e14',
    });
    const sizes = manifest.icons.map(
      (i: { sizes: string; purpose?: string }) => `${i.sizes}:${i.purpose ?? 'any'}`,
    );
    expect(sizes).toEqual(expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable']));
    for (const icon of manifest.icons) {
      const res = await request.get(icon.src);
      expect(res.ok()).toBe(true);
      expect(res.headers()['content-type']).toBe('image/png');
    }
  });

  test('Chromium reports the app as installable', async ({ baseURL }, testInfo) => {
    // Installability is only evaluated outside incognito, hence a persistent profile.
    const profile = mkdtempSync(join(tmpdir(), 'lyra-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      ...chromiumLaunch,
      viewport: testInfo.project.use.viewport ?? null,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${baseURL}/trade`);
      await page.waitForFunction(
        async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated',
      );
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: unknown[];
      };
      expect(installabilityErrors).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

test.describe('Updates', () => {
  let server: ChildProcess | undefined;
  let dir: string | undefined;
  test.afterEach(() => {
    server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('after a new build, the app offers "a new version is ready: reload" and reloading switches to it', async ({
    page,
  }, testInfo) => {
    test.setTimeout(300_000);
    // A server of its own, serving a copy of the build that the test then replaces with a newer build.
    dir = mkdtempSync(join(tmpdir(), 'lyra-update-'));
    const live = join(dir, 'live');
    cpSync('build', live, { recursive: true });
    const port = 4400 + (testInfo.project.name === 'phone' ? 1 : 0);
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        STATIC_DIR: live,
        DATA_DIR: join(dir, 'data'),
        SANDBOX_HISTORY_DAYS: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const url = `http://localhost:${port}`;
    await expect
      .poll(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok ?? false, { timeout: 60_000 })
      .toBe(true);

    await page.goto(`${url}/trade`);
    await page.waitForFunction(
      async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated',
    );
    const oldVersion = JSON.parse(readFileSync(join(live, '_app/version.json'), 'utf8')).version;

    const next = join(dir, 'next');
    const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
      env: { ...process.env, LYRA_BUILD_ID: `e2e-${Date.now()}`, LYRA_BUILD_DIR: next },
      stdio: 'pipe',
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    const newVersion = JSON.parse(readFileSync(join(next, '_app/version.json'), 'utf8')).version;
    expect(newVersion).not.toBe(oldVersion);
    rmSync(live, { recursive: true, force: true });
    cpSync(next, live, { recursive: true });

    // A reload makes the browser check the service worker; the new one installs and waits. On a busy
    // machine that first check can come too early to see the new files, so the test also asks again, as
    // the app itself does when it returns to the foreground.
    await page.reload();
    const prompt = page.getByTestId('update-prompt');
    // What the service workers were doing at the last check: said in the failure, so a rare miss can
    // be told apart (no new version fetched, installing, waiting without a prompt, already active).
    let workers = '';
    let uncontrolled = false;
    try {
      await expect
        .poll(
          async () => {
            if (await prompt.isVisible()) return true;
            if (uncontrolled) return true;
            workers = await page.evaluate(async () => {
              const r = await navigator.serviceWorker.getRegistration();
              await r?.update();
              const url = (w: ServiceWorker | null | undefined) => (w ? `${w.state} ${w.scriptURL}` : '-');
              return `installing: ${url(r?.installing)}; waiting: ${url(r?.waiting)}; active: ${url(r?.active)}; controller: ${url(navigator.serviceWorker.controller)}`;
            });
            // A page no version controls loaded the new files straight from the network: it already
            // runs the new version, so there is nothing to prompt for (checked below in Settings).
            uncontrolled = /installing: -; waiting: -; active: activated .*controller: -$/.test(workers);
            return (await prompt.isVisible()) || uncontrolled;
          },
          // Installing the new version precaches the whole app (workers included): minutes on a loaded machine.
          { timeout: 150_000, intervals: [2_000, 5_000] },
        )
        .toBe(true);
    } catch (e) {
      throw new Error(`No update prompt. Service workers: ${workers}`, { cause: e });
    }
    if (!uncontrolled || (await prompt.isVisible())) {
      await expect(prompt).toContainText('A new version of Lyra is ready');
      await prompt.getByRole('button', { name: 'Reload' }).click();
      await page.waitForLoadState('load');
    }
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByText(newVersion)).toBeVisible({ timeout: 30_000 });
  });
});
