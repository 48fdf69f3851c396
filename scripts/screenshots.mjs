// Takes the README's screenshots of the demo portfolio in headless Chromium: the
// home page, a skill page and a payoff, desktop and mobile, light and dark.
//   node scripts/screenshots.mjs BASE_URL OUT_DIR
// playwright-core is resolved from $PLAYWRIGHT_PREFIX (see screenshots.sh).
import { createRequire } from 'node:module';
import path from 'node:path';

const [base, out] = process.argv.slice(2);
const require = createRequire(path.join(process.env.PLAYWRIGHT_PREFIX, 'node_modules', '_'));
const { chromium, devices } = require('playwright-core');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const pages = {
  home: '',
  skill: 'skills/perfect-omelette/',
  payoff: 'skills/three-ball-cascade/2026-09-12-garden-party/',
};
const widths = {
  desktop: { viewport: { width: 1280, height: 900 } },
  mobile: { ...devices['Pixel 7'] },
};
for (const [name, rel] of Object.entries(pages)) {
  for (const [width, device] of Object.entries(widths)) {
    for (const colorScheme of ['light', 'dark']) {
      const context = await browser.newContext({ ...device, colorScheme });
      const page = await context.newPage();
      await page.goto(base + rel, { waitUntil: 'load' });
      const file = path.join(out, `${name}-${width}-${colorScheme}.png`);
      await page.screenshot({ path: file });
      console.log(file);
      await context.close();
    }
  }
}
await browser.close();
