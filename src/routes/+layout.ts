// Client-only SPA: every page is a prerendered shell that the service worker can cache for offline use.
export const ssr = false;
export const prerender = true;
