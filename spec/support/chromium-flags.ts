/**
 * Chromium flags for a headless run as root on a CI machine without a network: no sandbox
 * (root), no GPU, and none of Chromium's own connections, which this machine refuses.
 * Shared by karma.conf.js and the playwright-core specs.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
