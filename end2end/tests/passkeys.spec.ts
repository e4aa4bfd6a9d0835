import { type Page, expect, test } from "@playwright/test";
import {
  PASSWORD,
  currentStep,
  open,
  openAccountSecurity,
  openQrModal,
  register,
  saveRecoveryCodes,
  signIn,
  signOut,
  uniqueEmail,
  verifyAuthenticator,
} from "./helpers";
import { expectEmail } from "./outbox";
import { nextCode } from "./totp";

// Browsers refuse passkeys on an IP address: these pages are opened on localhost,
// the relying party the portal derives from a site on 127.0.0.1.
test.use({ baseURL: `http://localhost:${process.env.E2E_PORT ?? 3100}` });

/** Chromium's virtual authenticator (DevTools protocol): a platform passkey that
 * keeps discoverable credentials and verifies the user, with no dialog to click. */
async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

test("a passkey set up in the wizard signs in after the password, then alone, and is removed", async ({ page }) => {
  const email = uniqueEmail("passkey");
  const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
  await register(page, "Pia Key", email);

  await openAccountSecurity(page, "Pia Key");
  await page.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
  await expect(currentStep(page)).toHaveText("Select Method");
  await page.getByRole("button", { name: /^Passkey or security key/ }).click();
  await expect(currentStep(page)).toHaveText("Verify Identity");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(currentStep(page)).toHaveText("Create Passkey");
  await expect(page.getByRole("heading", { name: "Create Passkey" })).toBeFocused();
  await page.getByLabel("Passkey name").fill("Test laptop");
  await page.getByLabel("Also use this passkey to sign in without a password").check();
  await page.getByRole("button", { name: "Create passkey" }).click();
  await expect(currentStep(page)).toHaveText("Confirm Activation");
  await expect(page.getByText("Your passkey is ready.")).toBeVisible();
  await saveRecoveryCodes(page);
  await expect(page.getByRole("status").first()).toContainText("every sign-in asks for your passkey");
  await expect(page.getByText("Two-factor authentication is on with passkeys")).toBeVisible();
  await expect(page.locator(".passkey-list")).toContainText("Test laptop");
  await expect(page.locator(".passkey-list")).toContainText("Never used");
  await expectEmail(email, "Two-factor authentication is on");
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0].isResidentCredential).toBe(true);

  // The password, then "Use your passkey".
  await signOut(page, "Pia Key");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/login\/code/);
  const usePasskey = page.getByRole("button", { name: "Use your passkey" });
  await expect(usePasskey).toBeVisible();
  await expect(page.getByRole("button", { name: "Use another method" })).toHaveCount(0);
  await usePasskey.click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("button", { name: "Pia Key" })).toBeVisible();

  // No email, no password.
  await signOut(page, "Pia Key");
  await page.getByRole("link", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/login\/passkey$/);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("button", { name: "Pia Key" })).toBeVisible();

  // Removing the last one turns 2FA off, once the customer says so.
  await openAccountSecurity(page, "Pia Key");
  await expect(page.locator(".passkey-list")).toContainText("Last used");
  await page.getByRole("button", { name: "Remove Test laptop" }).click();
  await expect(page.getByText("This is your last passkey.")).toBeVisible();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.getByLabel("Turn two-factor authentication off")).toBeFocused();
  await page.getByLabel("Turn two-factor authentication off").check();
  await page.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.getByText("Two-factor authentication is off", { exact: true })).toBeVisible();
  await expectEmail(email, "Two-factor authentication is off");

  // Its passkey no longer signs in.
  await signOut(page, "Pia Key");
  await open(page, "/login/passkey");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("alert")).toContainText("could not be used");
  await expect(page).toHaveURL(/\/login\/passkey$/);
});

test("a passkey beside the authenticator app: sign-in asks for it first, and offers the app", async ({ page }) => {
  const email = uniqueEmail("beside");
  await addVirtualAuthenticator(page);
  await register(page, "Ben Side", email);
  const app = await verifyAuthenticator(page, await openQrModal(page, "Ben Side"));
  await saveRecoveryCodes(page);

  // "Add a passkey" asks for the password first, and leaves the app on.
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByLabel("Passkey name")).toBeFocused();
  await page.getByLabel("Passkey name").fill("Work laptop");
  await page.getByRole("button", { name: "Create passkey" }).click();
  await expect(page.locator(".notice")).toBeFocused();
  await expect(page.locator(".notice")).toContainText("Your passkey is added");
  await expect(page.locator(".passkey-list")).toContainText("Work laptop");
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
  await expectEmail(email, "A passkey was added");

  // The same authenticator again: the browser says it already holds one.
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByLabel("Passkey name").fill("Work laptop again");
  await page.getByRole("button", { name: "Create passkey" }).click();
  await expect(page.getByRole("alert")).toContainText("already on your account");

  await signOut(page, "Ben Side");
  await signIn(page, email);
  await expect(page.getByRole("button", { name: "Use your passkey" })).toBeVisible();
  await page.getByRole("button", { name: "Use another method" }).click();
  await page.getByLabel("Verification code").fill(nextCode(app));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/account$/);
});
