import { describe, expect, it } from 'vitest';
import { overrideUrls, wsOriginFor } from './url-overrides.js';

describe('overrideUrls', () => {
  it('moves every REST and WebSocket URL to the given origins and keeps paths and other values', () => {
    const urls = {
      public: 'https://api.binance.com/api/v3',
      sapi: 'https://api.binance.com/sapi/v1',
      ws: { spot: 'wss://stream.binance.com:9443/ws', list: ['wss://a.example/x', 'not a url'] },
      rateLimit: 50,
    };
    expect(overrideUrls(urls, 'http://localhost:3000/', 'ws://localhost:3000')).toEqual({
      public: 'http://localhost:3000/api/v3',
      sapi: 'http://localhost:3000/sapi/v1',
      ws: { spot: 'ws://localhost:3000/ws', list: ['ws://localhost:3000/x', 'not a url'] },
      rateLimit: 50,
    });
    expect(overrideUrls(urls, undefined, 'ws://h')).toMatchObject({
      public: 'https://api.binance.com/api/v3',
      ws: { spot: 'ws://h/ws' },
    });
  });

  it('maps http origins to ws origins', () => {
    expect(wsOriginFor('http://localhost:3000')).toBe('ws://localhost:3000');
    expect(wsOriginFor('https://lyra.example')).toBe('wss://lyra.example');
  });
});
