import { expect, test } from "@playwright/test";
import { open, openQrModal, register, signIn, signOut, syncAuthenticator, uniqueEmail } from "./helpers";
import { emailedLink, expectEmail } from "./outbox";
import { nextCode } from "./totp";

const NEW_PASSWORD = "marmalade lighthouse 77";

test("a forgotten password is reset from the email's link", async ({ page }) => {
  const email = uniqueEmail("reset");
  await register(page, "Ana Lim", email);
  await signOut(page, "Ana Lim");

  // The sign-in page → "Forgot your password?" → the same answer for any address.
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/password\/forgot$/);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send link" }).click();
  const sent = page.getByRole("status");
  await expect(sent).toHaveText("If an account exists for that address, we have sent a link.");
  await expect(sent).toBeFocused();

  // The link leads to "Choose a new password", without the token in the address.
  const link = await emailedLink(email, "Reset your password");
  await page.goto(link);
  await expect(page).toHaveURL(/\/password\/reset$/);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Save new password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password has been reset.");
  await expect(page.getByRole("status")).toBeFocused();
  await expectEmail(email, "Your password was reset");

  // Signed in again, the customer first sees what was added to how they sign in lately.
  await page.locator("#content").getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/login\?next=\/account\/security%3Freview%3Drecent$/);
  await signIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/account\/security\?review=recent$/);
  const review = page.getByRole("region", { name: "Added in the last 30 days" });
  await expect(review.getByText("Nothing was added to how you sign in in the last 30 days.")).toBeVisible();

  // The link worked once: opened again, it says so and how to get a new one.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link has expired or has already been used" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute("href", "/password/forgot");
});

test("with 2FA on, the reset asks for the code before the new password", async ({ page }) => {
  const email = uniqueEmail("reset2fa");
  await register(page, "Bo Tan", email);
  const app = await syncAuthenticator(page, await openQrModal(page, "Bo Tan"));
  await expect(page.getByRole("status")).toContainText("Two-factor authentication is now on");
  await signOut(page, "Bo Tan");

  await open(page, "/password/forgot");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send link" }).click();
  await expect(page.getByRole("status")).toBeVisible();
  await page.goto(await emailedLink(email, "Reset your password"));

  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  await expect(page.getByLabel("New password")).toHaveCount(0);
  await page.getByLabel("Verification code").fill(nextCode(app));
  await page.getByRole("button", { name: "Verify" }).click();
  const heading = page.getByRole("heading", { name: "Choose a new password" });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Save new password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password has been reset.");

  // 2FA is still on: signing in with the new password asks for the code.
  await open(page, "/login");
  await signIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/login\/code/);
});
