import type { LyraDb } from './store/db.js';
import type { MarketService } from './market/market-service.js';
import type { MarketStore } from './store/market-store.js';
import type { TradingService } from './trading/trading-service.js';
import type { PortfolioService } from './trading/portfolio/portfolio-service.js';

/** What the engine worker has built, handed to each domain's handlers when the worker starts. */
export interface EngineParts {
  db: LyraDb;
  market: MarketService;
  marketStore: MarketStore;
  trading: TradingService;
  portfolio: PortfolioService;
  /** This app's origin (the server that serves it), for calls to its own endpoints. */
  origin: string;
  online(): boolean;
}
