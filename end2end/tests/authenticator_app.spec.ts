import { expect, test } from "@playwright/test";
import {
  PASSWORD,
  currentStep,
  open,
  openQrModal,
  register,
  saveRecoveryCodes,
  signIn,
  signOut,
  syncAuthenticator,
  uniqueEmail,
} from "./helpers";
import { authenticatorFor, nextCode } from "./totp";

test("seed 000: turn on the authenticator app, then every sign-in asks for its code", async ({ page }) => {
  const email = uniqueEmail("seed000");
  await register(page, "Sam Lee", email);

  const dialog = await openQrModal(page, "Sam Lee");
  await expect(currentStep(page)).toHaveText("Sync Authenticator");
  await expect(dialog.getByRole("img", { name: /QR code/ })).toBeVisible();
  await expect(dialog.getByText("Can't scan it? Enter this setup key")).toBeVisible();
  const setupKey = await dialog.getByTestId("setup-key").innerText();
  expect(setupKey).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  const app = authenticatorFor(setupKey);

  // A wrong code: a clear message, and the dialog stays open.
  const codeField = dialog.getByLabel("Verification code");
  await expect(codeField).toHaveAttribute("inputmode", "numeric");
  await expect(codeField).toHaveAttribute("autocomplete", "one-time-code");
  await codeField.fill("000000");
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(dialog.getByRole("alert")).toContainText("not right");
  await expect(dialog).toBeVisible();

  // The right code, pasted as "123 456".
  const code = app.generate();
  await codeField.fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(dialog).toBeHidden();
  await expect(currentStep(page)).toHaveText("Confirm Activation");
  await saveRecoveryCodes(page);
  await expect(page.getByRole("status")).toContainText("Two-factor authentication is now on");
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();

  // From now on, sign-in asks for the code after the password.
  await signOut(page, "Sam Lee");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/login\/code/);
  await expect(page.getByText("Enter the six-digit code from your authenticator app.")).toBeVisible();
  await page.getByLabel("Verification code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toContainText("not right");
  const signInCode = nextCode(app);
  await page.getByLabel("Verification code").fill(signInCode);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("button", { name: "Sam Lee" })).toBeVisible();

  // The same code again is refused.
  await signOut(page, "Sam Lee");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/login\/code/);
  await page.getByLabel("Verification code").fill(signInCode);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toContainText("already been used");
});

test("the QR dialog keeps focus inside and closes with Escape", async ({ page }) => {
  await register(page, "Tia Ng", uniqueEmail("focus"));
  const dialog = await openQrModal(page, "Tia Ng");
  await expect(dialog.getByLabel("Verification code")).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).focus();
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Copy" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Two-factor authentication is off")).toBeVisible();
});

test("turning 2FA off needs the password", async ({ page }) => {
  const email = uniqueEmail("off");
  await register(page, "Uma Roy", email);
  await syncAuthenticator(page, await openQrModal(page, "Uma Roy"));

  await page.getByRole("button", { name: "Manage two-factor authentication" }).click();
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Disable 2FA" }).click();
  await expect(page.getByRole("alert")).toHaveText("The password is incorrect.");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Disable 2FA" }).click();
  await expect(page.getByRole("status")).toContainText("Two-factor authentication is now off");
  await expect(page.getByText("Two-factor authentication is off", { exact: true })).toBeVisible();
  await open(page, "/account/security");
  await expect(page.getByRole("button", { name: "Setup Two-Factor Authentication" })).toBeVisible();
});
