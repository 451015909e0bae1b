import { describe, expect, it } from 'vitest';
import { fieldsFor } from './credential-fields.js';
import { ccxtRequiredCredentials } from './exchange-requirements.js';

describe("ccxt's credential requirements", () => {
  it('reads binance from ccxt: an API key and a secret, nothing else', async () => {
    const required = await ccxtRequiredCredentials('binance');
    expect(required.apiKey).toBe(true);
    expect(required.secret).toBe(true);
    expect(fieldsFor(required).map((f) => f.name)).toEqual(['apiKey', 'secret']);
  });

  it('refuses an exchange Lyra does not support', async () => {
    await expect(ccxtRequiredCredentials('nope')).rejects.toMatchObject({
      error: { code: 'vault-unsupported-exchange' },
    });
  });

  it('orders fields as a form asks and keeps unknown ones as secrets', () => {
    const fields = fieldsFor({ password: true, secret: true, apiKey: true, uid: false, newThing: true });
    expect(fields.map((f) => [f.name, f.secret])).toEqual([
      ['apiKey', false],
      ['secret', true],
      ['password', true],
      ['newThing', true],
    ]);
  });
});
