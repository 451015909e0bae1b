import { authApi, toAuthFailure } from '$lib/auth/api';
import { createAccount, signInWithPasskey } from '$lib/auth/ceremonies';
import type { AuthFailure, Me, Role } from '$lib/auth/types';

export type AuthStatus = 'loading' | 'signed-out' | 'signed-in' | 'offline' | 'error';

/**
 * Who is signed in to Lyra's server. Lyra works without an account; this only matters for the relay
 * (live trading) and backups. Offline, the last known account is kept so screens can still say who it was.
 */
class AuthState {
  status = $state<AuthStatus>('loading');
  me = $state.raw<Me | null>(null);
  error = $state.raw<AuthFailure | null>(null);
  busy = $state(false);

  get user() {
    return this.me?.user ?? null;
  }
  get role(): Role | null {
    return this.me?.role ?? null;
  }
  get readOnly(): boolean {
    return this.me?.role === 'viewer';
  }

  async refresh(): Promise<void> {
    try {
      this.me = await authApi.me();
      this.status = 'signed-in';
      this.error = null;
    } catch (e) {
      this.settleFailure(toAuthFailure(e));
    }
  }

  async createAccount(displayName: string, inviteToken?: string): Promise<boolean> {
    return this.run(async () => {
      await createAccount(displayName, inviteToken);
    });
  }

  async signIn(): Promise<boolean> {
    return this.run(async () => {
      await signInWithPasskey();
    });
  }

  async signOut(): Promise<boolean> {
    return this.run(async () => {
      await authApi.signOut();
    });
  }

  /** After something that may have ended this session (revoking its passkey, ending it). */
  signedOutElsewhere(): void {
    this.me = null;
    this.status = 'signed-out';
  }

  clearError(): void {
    this.error = null;
  }

  private async run(action: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await action();
      await this.refresh();
      return true;
    } catch (e) {
      // A failed ceremony leaves the account state as it was; only the error is new.
      this.error = toAuthFailure(e);
      if (this.error.code === 'offline') this.status = 'offline';
      return false;
    } finally {
      this.busy = false;
    }
  }

  private settleFailure(failure: AuthFailure): void {
    if (failure.code === 'signed-out') {
      this.me = null;
      this.status = 'signed-out';
      this.error = null;
    } else if (failure.code === 'offline') {
      this.status = 'offline';
      this.error = failure;
    } else {
      this.status = 'error';
      this.error = failure;
    }
  }
}

export const authState = new AuthState();
