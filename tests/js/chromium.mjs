// Headless Chromium for the JS tests (Debian's /usr/bin/chromium, or $CHROMIUM), started the
// same way everywhere.
import { chromium } from "playwright-core";

/** Launches headless Chromium without sandbox, GPU or background network traffic. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
