/**
 * Creates a sandbox exchange API key on a running Lyra server and prints the key and secret once.
 *
 *   npm run sandbox:key -- [--url http://localhost:3000] [--label NAME] [--balance USDT=10000 ...]
 */
import { parseArgs } from 'node:util';

const usage =
  'usage: npm run sandbox:key -- [--url http://localhost:3000] [--label NAME] [--balance ASSET=AMOUNT ...]';

function fail(message: string): never {
  console.error(`sandbox:key: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values: { url?: string; label?: string; balance?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        label: { type: 'string' },
        balance: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${usage}`);
  }
  if (values.help === true) {
    console.log(usage);
    return;
  }
  const base = (values.url ?? process.env['LYRA_URL'] ?? 'http://localhost:3000').replace(/\/+$/, '');
  let balances: Record<string, string> | undefined;
  for (const entry of values.balance ?? []) {
    const m = /^([A-Za-z0-9]{1,20})=(\d+(?:\.\d{1,8})?)$/.exec(entry);
    if (m === null) fail(`--balance expects ASSET=AMOUNT such as USDT=10000, got "${entry}"`);
    balances ??= {};
    balances[(m[1] as string).toUpperCase()] = m[2] as string;
  }
  let res: Response;
  try {
    res = await fetch(`${base}/sandbox/api-keys`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ label: values.label, balances }),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
    const reason = cause?.code ?? cause?.errors?.[0]?.code ?? (err as Error).message;
    fail(
      `cannot reach the Lyra server at ${base} (${reason}). Is it running? Start it with "npm start", or pass --url.`,
    );
  }
  const text = await res.text();
  if (res.status !== 201) {
    let detail = text.slice(0, 300);
    try {
      detail = (JSON.parse(text) as { error?: string }).error ?? detail;
    } catch {
      // not JSON: show the raw start of the body
    }
    fail(`the server refused (HTTP ${res.status}): ${detail}`);
  }
  const created = JSON.parse(text) as { apiKey: string; secret: string; balances: Record<string, string> };
  const funded = Object.entries(created.balances).filter(([, v]) => Number(v) > 0);
  console.log(`apiKey: ${created.apiKey}`);
  console.log(`secret: ${created.secret}`);
  console.log(`balances: ${funded.map(([a, v]) => `${a}=${v}`).join(' ') || '(none)'}`);
  console.log('The secret is shown only now: store it (e.g. in the Lyra vault).');
}

await main();
