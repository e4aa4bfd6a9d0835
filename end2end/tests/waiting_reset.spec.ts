import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { PASSWORD, open, openQrModal, register, syncAuthenticator, uniqueEmail } from "./helpers";
import { emailedLink } from "./outbox";

/** Runs `server admin …` on the test's portal, as an operator would where it runs. */
function admin(...args: string[]): string {
  const root = resolve(__dirname, "../..");
  const data = process.env.E2E_DATA_DIR!;
  return execFileSync(process.env.PORTAL_SERVER_BIN ?? join(root, "target/release/server"), ["admin", ...args], {
    cwd: root,
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${process.env.E2E_PORT ?? 3100}`,
      DATABASE_URL: `sqlite://${data}/portal.db?mode=rwc`,
      MASTER_KEY_FILE: join(data, "master.key"),
      OUTBOX_DIR: join(data, "outbox"),
      SMS_LOG_FILE: join(data, "sms.log"),
      RUST_LOG: "error",
    },
    encoding: "utf8",
  });
}

test("a reset support asked for is cancelled from the email's link, and 2FA stays on", async ({ page }) => {
  const email = uniqueEmail("waiting");
  await register(page, "Ana Lim", email);
  await syncAuthenticator(page, await openQrModal(page, "Ana Lim"));

  const said = admin("reset-two-factor", email, "--reason", "caller lost the phone", "--operator", "Aisha");
  expect(said).toContain("waits until");

  const link = await emailedLink(email, "To cancel it now");
  await open(page, new URL(link).pathname + new URL(link).search);
  await expect(page.getByRole("heading", { name: "Cancel the reset of two-factor authentication" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel this reset" }).click();
  const done = page.getByRole("status");
  await expect(done).toContainText("The reset is cancelled. Two-factor authentication stays on as it was.");
  await expect(done).toBeFocused();

  await open(page, "/account/security");
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
});

test("the Account Security tab shows a waiting reset, and cancels it", async ({ page }) => {
  const email = uniqueEmail("waiting-tab");
  await register(page, "Bo Tan", email);
  await syncAuthenticator(page, await openQrModal(page, "Bo Tan"));
  admin("reset-two-factor", email, "--reason", "caller lost the phone", "--operator", "Aisha");

  await open(page, "/account/security");
  const waiting = page.getByRole("region", { name: "A reset of two-factor authentication waits" });
  await expect(waiting).toContainText("As our operations team (Aisha) asked, two-factor authentication will be turned off on");
  await waiting.getByLabel("Password").fill(PASSWORD);
  await waiting.getByRole("button", { name: "Cancel this reset" }).click();
  const done = page.locator("#reset-cancelled");
  await expect(done).toHaveText("The reset is cancelled. Two-factor authentication stays on as it was.");
  await expect(done).toBeFocused();
  await expect(waiting).toHaveCount(0);
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
});
