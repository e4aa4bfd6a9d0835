import { expect, type Locator, type Page } from "@playwright/test";
import { authenticatorFor } from "./totp";

export const PASSWORD = "tangerine orchestra 42";

/** An email no other test uses, so tests can run in parallel on one database. */
export function uniqueEmail(name: string): string {
  return `${name}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
}

/**
 * Opens a page and, when it comes with the client, waits until the WASM has taken it
 * over, so clicks are handled. The sign-in page comes without: its form is posted by
 * the browser itself.
 */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  if (await comesWithTheClient(page)) {
    await expect(page.locator("body[data-hydrated]")).toBeAttached();
  }
}

/** Whether the page loads the WASM client: its head has the script that starts it. */
export async function comesWithTheClient(page: Page): Promise<boolean> {
  return (await page.locator('head script[type="module"]').count()) > 0;
}

export async function register(page: Page, name: string, email: string): Promise<void> {
  await open(page, "/register");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signOut(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** The wizard step the progress indicator marks as current. */
export const currentStep = (page: Page) => page.locator('.wizard-steps [aria-current="step"]');

/** User menu → "My Account" → "Account Security" (seeds 000 and 003, steps 1 to 3). */
export async function openAccountSecurity(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name }).click();
  await page.getByRole("menuitem", { name: "My Account" }).click();
  await page.getByRole("tab", { name: "Account Security" }).click();
}

/** Seed 000, steps 1 to 6: from the user menu to the QR code. */
export async function openQrModal(page: Page, name: string) {
  await openAccountSecurity(page, name);
  await page.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
  await expect(currentStep(page)).toHaveText("Select Method");
  await page.getByRole("button", { name: "Authenticator App" }).click();
  await expect(currentStep(page)).toHaveText("Verify Identity");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  const dialog = page.getByRole("dialog", { name: "Scan the QR code" });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Seed 000, step 7: the app scans the QR code and its code is verified. Returns the app. */
export async function verifyAuthenticator(page: Page, dialog: Locator) {
  const app = authenticatorFor(await dialog.getByTestId("setup-key").innerText());
  await dialog.getByLabel("Verification code").fill(app.generate());
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(currentStep(page)).toHaveText("Confirm Activation");
  return app;
}

/** Seed 000, steps 7 and 8: the app's code is verified, the recovery codes saved, "Okay". Returns the app. */
export async function syncAuthenticator(page: Page, dialog: Locator) {
  const app = await verifyAuthenticator(page, dialog);
  await saveRecoveryCodes(page);
  return app;
}

/** The wizard's last step: the ten recovery codes, "I have saved my recovery codes", "Okay". Returns the codes. */
export async function saveRecoveryCodes(page: Page): Promise<string[]> {
  const list = page.getByRole("list", { name: "Recovery codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const codes = await list.getByRole("listitem").allInnerTexts();
  const okay = page.getByRole("button", { name: "Okay" });
  await expect(okay).toBeDisabled();
  await page.getByLabel("I have saved my recovery codes").check();
  await okay.click();
  return codes;
}
