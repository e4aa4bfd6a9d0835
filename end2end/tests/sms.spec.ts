import { expect, test, type Page } from "@playwright/test";
import {
  PASSWORD,
  currentStep,
  openAccountSecurity,
  openQrModal,
  register,
  signIn,
  signOut,
  saveRecoveryCodes,
  syncAuthenticator,
  uniqueEmail,
} from "./helpers";
import { expectEmail, smsCode, uniquePhone } from "./outbox";
import { authenticatorFor, nextCode } from "./totp";

const masked = (phone: string) => `+60 •••• ••${phone.slice(-2)}`;

/** The wizard's SMS path, through the UI: the account ends with SMS 2FA on. */
async function setUpSms(page: Page, name: string, phone: string) {
  await openAccountSecurity(page, name);
  await page.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
  await page.getByRole("button", { name: "SMS" }).click();
  await expect(currentStep(page)).toHaveText("Verify Identity");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(currentStep(page)).toHaveText("Verify Phone Number");

  // A national number is refused with what to do instead.
  await page.getByLabel("Mobile number").fill("012 345 6789");
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByRole("alert")).toContainText("international format");

  await page.getByLabel("Mobile number").fill(`${phone.slice(0, 3)} ${phone.slice(3, 5)} ${phone.slice(5)}`);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(`We sent a six-digit code by SMS to ${masked(phone)}`)).toBeVisible();
  await expect(page.getByRole("button", { name: /Resend code in \d+ s/ })).toBeDisabled();
  await page.getByLabel("Verification code").fill(await smsCode(phone, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(currentStep(page)).toHaveText("Confirm Activation");
  await saveRecoveryCodes(page);
  await expect(page.getByRole("status")).toContainText("Two-factor authentication is now on");
  await expect(page.getByText("Two-factor authentication is on with SMS")).toBeVisible();
  await expect(page.getByText(`we send by SMS to ${masked(phone)}`)).toBeVisible();
}

test("seed 003: from SMS to the authenticator app, ending with sign-in by app code", async ({ page }) => {
  const email = uniqueEmail("seed003");
  const phone = uniquePhone();
  await register(page, "Mia Tan", email);
  await setUpSms(page, "Mia Tan", phone);
  await expectEmail(email, "security method has been updated to SMS");

  // Sign-in with SMS: the code is sent after the password; the page says where.
  await signOut(page, "Mia Tan");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/login\/code/);
  await expect(page.getByText(`We sent a six-digit code by SMS to ${masked(phone)}`)).toBeVisible();
  await expect(page.getByRole("button", { name: /Resend code/ })).toBeVisible();
  await page.getByLabel("Verification code").fill(await smsCode(phone, 2));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/account$/);

  // Steps 1 to 5: "Manage two-factor authentication" → password → "Disable 2FA".
  await openAccountSecurity(page, "Mia Tan");
  await page.getByRole("button", { name: "Manage two-factor authentication" }).click();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Disable 2FA" }).click();
  await expect(page.getByRole("status")).toContainText("Two-factor authentication is now off");

  // Steps 6 to 10: "Setup Two-Factor Authentication" → "Authenticator App" → password → QR → code.
  await page.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
  await expect(currentStep(page)).toHaveText("Select Method");
  await page.getByRole("button", { name: "Authenticator App" }).click();
  await expect(currentStep(page)).toHaveText("Verify Identity");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  const dialog = page.getByRole("dialog", { name: "Scan the QR code" });
  await expect(dialog.getByRole("img", { name: /QR code/ })).toBeVisible();
  const app = await syncAuthenticator(page, dialog);

  // Step 11: the success message, and the email says the method is now TOTP.
  await expect(page.getByRole("status")).toContainText("Two-factor authentication is now on");
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
  await expectEmail(email, "security method has been updated to TOTP (Authenticator App)");

  // Sign-in now asks for the app's code, and no SMS is sent.
  await signOut(page, "Mia Tan");
  await signIn(page, email);
  await expect(page.getByText("Enter the six-digit code from your authenticator app.")).toBeVisible();
  await page.getByLabel("Verification code").fill(nextCode(app));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("button", { name: "Mia Tan" })).toBeVisible();
});

test("Switch to Authenticator App keeps SMS on until the app's code is verified", async ({ page }) => {
  const email = uniqueEmail("switch");
  const phone = uniquePhone();
  await register(page, "Noor Aziz", email);
  await setUpSms(page, "Noor Aziz", phone);

  await page.getByRole("button", { name: "Manage two-factor authentication" }).click();
  await page.getByRole("button", { name: "Switch to Authenticator App" }).click();
  await expect(currentStep(page)).toHaveText("Verify Identity");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  const dialog = page.getByRole("dialog", { name: "Scan the QR code" });
  const app = authenticatorFor(await dialog.getByTestId("setup-key").innerText());
  // Still SMS while the app is being set up.
  await expect(page.getByText("Two-factor authentication is on with SMS")).toBeAttached();
  await dialog.getByLabel("Verification code").fill(app.generate());
  await dialog.getByRole("button", { name: "Verify" }).click();
  await saveRecoveryCodes(page);
  await expect(page.getByRole("status")).toContainText("Your security method has been updated to TOTP (Authenticator App)");
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
  await expectEmail(email, "switched from SMS (text message codes) to TOTP (Authenticator App)");
});

test("Switch to SMS keeps the authenticator app on until the texted code is verified", async ({ page }) => {
  const email = uniqueEmail("to-sms");
  const phone = uniquePhone();
  await register(page, "Omar Said", email);
  await syncAuthenticator(page, await openQrModal(page, "Omar Said"));

  await page.getByRole("button", { name: "Manage two-factor authentication" }).click();
  await page.getByRole("button", { name: "Switch to SMS" }).click();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(currentStep(page)).toHaveText("Verify Phone Number");
  await page.getByLabel("Mobile number").fill(phone);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
  await page.getByLabel("Verification code").fill(await smsCode(phone, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await saveRecoveryCodes(page);
  await expect(page.getByRole("status")).toContainText("Your security method has been updated to SMS");
  await expect(page.getByText("Two-factor authentication is on with SMS")).toBeVisible();
  await expectEmail(email, "switched from TOTP (Authenticator App) to SMS");

  await signOut(page, "Omar Said");
  await signIn(page, email);
  await expect(page.getByText(`We sent a six-digit code by SMS to ${masked(phone)}`)).toBeVisible();
  await page.getByLabel("Verification code").fill(await smsCode(phone, 2));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/account$/);
});
