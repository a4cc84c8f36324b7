/** Debian's Chromium (no browser download) and the flags every headless run here uses: the e2e suite and the benches. */
export const CHROMIUM_PATH = process.env.BENCHTOP_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
