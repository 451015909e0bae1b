// The same short description the server shows in the sessions list ("Chrome on Android"), so a
// version list and a sessions list name a device alike. A pure function with no Node imports.
export { summarizeUserAgent as deviceName } from '../../server/auth/user-agent.js';
