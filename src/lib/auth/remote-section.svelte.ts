import { toAuthFailure } from './api';
import type { AuthFailure } from './types';

/**
 * One section of the Account screen: data loaded from the server, and the actions that change it. One
 * busy flag, one error and one status line per section; after an action the data is loaded again, so
 * what is shown is always what the server holds.
 */
export class RemoteSection<T> {
  data = $state.raw<T | null>(null);
  error = $state.raw<AuthFailure | null>(null);
  busy = $state(false);
  status = $state('');

  constructor(private readonly fetch: () => Promise<T>) {}

  load = async (): Promise<void> => {
    try {
      this.data = await this.fetch();
      this.error = null;
    } catch (e) {
      this.error = toAuthFailure(e);
    }
  };

  /**
   * Runs an action; the text it returns becomes the status line. It returns `false` when it ended this
   * view (this device was signed out): then nothing is reloaded.
   */
  act = async (action: () => Promise<string | void | false>): Promise<void> => {
    this.busy = true;
    this.error = null;
    this.status = '';
    try {
      const said = await action();
      if (said === false) return;
      this.status = said ?? '';
      await this.load();
    } catch (e) {
      this.error = toAuthFailure(e);
    } finally {
      this.busy = false;
    }
  };
}
