// The browser for the HTML reports' browser test: the headless Chromium that @sparticuz/chromium
// ships inside its npm package (a plain `npm ci` brings it, nothing is downloaded; it is unpacked
// to the temp directory on first use and needs no system library beyond libc), else a system
// Chromium. RMQSIM_CHROMIUM names another browser.
import { existsSync } from 'node:fs';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export async function chromiumPath(): Promise<string> {
  const named = process.env.RMQSIM_CHROMIUM;
  if (named !== undefined) return named;
  let packaged: unknown;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    return await chromium.executablePath();
  } catch (error) {
    packaged = error;
  }
  const system = SYSTEM.find((path) => existsSync(path));
  if (system !== undefined) return system;
  throw new Error(
    `no Chromium: @sparticuz/chromium failed (${packaged instanceof Error ? packaged.message : packaged}) ` +
      `and none of ${SYSTEM.join(', ')} exists; run npm ci, or set RMQSIM_CHROMIUM`,
  );
}
