import { redirect } from '@sveltejs/kit';

// The trade screen is home.
export function load() {
  redirect(307, '/trade');
}
