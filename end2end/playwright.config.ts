import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// The suite starts its own release server on a fresh SQLite database, so every run
// begins from an empty portal. Workers inherit these variables from the main process.
const port = Number(process.env.E2E_PORT ?? 3100);
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "portal-e2e-"));
const root = resolve(__dirname, "..");
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser downloads are not available here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: process.env.PORTAL_SERVER_BIN ?? join(root, "target/release/server"),
    cwd: root,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: join(root, "target/site"),
      DATABASE_URL: `sqlite://${process.env.E2E_DATA_DIR}/portal.db?mode=rwc`,
      MASTER_KEY_FILE: join(process.env.E2E_DATA_DIR, "master.key"),
      OUTBOX_DIR: join(process.env.E2E_DATA_DIR, "outbox"),
      SMS_LOG_FILE: join(process.env.E2E_DATA_DIR, "sms.log"),
      RUST_LOG: process.env.RUST_LOG ?? "warn",
      // Every test registers and signs in from one loopback address: one network.
      REGISTRATIONS_PER_NETWORK_HOUR: "100000",
      PASSWORD_CHECKS_PER_NETWORK_HOUR: "100000",
    },
  },
});
