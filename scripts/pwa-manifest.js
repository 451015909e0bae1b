// The web app manifest, shared by the build (vite.config.ts) and the tests that check it.
/** @type {Partial<import('vite-plugin-pwa').ManifestOptions>} */
export const pwaManifest = {
  name: 'Lyra trading terminal',
  short_name: 'Lyra',
  description: 'Local-first trading terminal: live markets, charts and order books, online or offline.',
  id: '/',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'any',
  background_color: '#0b0e14',
  theme_color: '#0b0e14',
  categories: ['finance'],
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};
