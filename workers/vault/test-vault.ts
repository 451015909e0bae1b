import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { LyraDb } from '../store/db.js';
import type { ConnectionTester } from './api.js';
import { VaultService, type VaultDeps } from './vault-service.js';

/** Test helpers: a fresh database per vault, and binance's real credential requirements without ccxt. */
let n = 0;
const opened: LyraDb[] = [];

export function freshDb(name = `vault-test-${process.pid}-${n++}`): LyraDb {
  const db = new LyraDb(name);
  opened.push(db);
  return db;
}

export async function closeAll(): Promise<void> {
  const dbs = opened.splice(0);
  for (const db of dbs) db.close();
  for (const name of new Set(dbs.map((d) => d.name))) await Dexie.delete(name);
}

export const passingTest: ConnectionTester = async () => ({ ok: true, balances: { USDT: '10000' } });

export function makeVault(overrides: Partial<VaultDeps> = {}): VaultService {
  return new VaultService({
    db: overrides.db ?? freshDb(),
    testConnection: passingTest,
    // ccxt's binance requires exactly these; exchange-requirements.test.ts checks it against ccxt itself.
    requiredCredentials: async () => ({ apiKey: true, secret: true, uid: false, password: false }),
    ...overrides,
  });
}

export const PASSPHRASE = 'correct horse battery staple';
export const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
export const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
