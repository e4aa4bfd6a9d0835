import { expect, test } from "@playwright/test";
import { PASSWORD, open, openAccountSecurity, openQrModal, register, signIn, syncAuthenticator, uniqueEmail } from "./helpers";

test("turning 2FA on signs the account out everywhere else", async ({ page, browser }) => {
  const email = uniqueEmail("elsewhere");
  await register(page, "Ria Tan", email);

  // The same account, signed in on another computer.
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await open(other, "/login");
  await signIn(other, email);
  await expect(other).toHaveURL(/\/account$/);

  await syncAuthenticator(page, await openQrModal(page, "Ria Tan"));
  await expect(page.getByRole("status")).toContainText("Two-factor authentication is now on");

  // The other computer's next page is the sign-in page; this one stays signed in.
  await other.goto("/account/security");
  await expect(other).toHaveURL(/\/login\?next=\/account\/security$/);
  await expect(other.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
  await elsewhere.close();
});

test("signing out another session from Account Security sends it to sign-in", async ({ page, browser }) => {
  const email = uniqueEmail("sessions");
  await register(page, "Sam Lee", email);

  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await open(other, "/login");
  await signIn(other, email);
  await expect(other).toHaveURL(/\/account$/);

  // "Where you're signed in": this device, and the other browser with its own "Sign out".
  await openAccountSecurity(page, "Sam Lee");
  const sessions = page.getByRole("region", { name: "Where you're signed in" });
  await expect(sessions.getByRole("row")).toHaveCount(3);
  await expect(sessions.getByRole("row").nth(1)).toContainText("This device");
  await expect(sessions.getByRole("row").nth(2)).toContainText(/Chrome on \w+/);
  await expect(sessions.getByRole("row").nth(2)).toContainText("127.0.0.1");

  // The password first, then the other browser is signed out.
  await sessions.getByRole("button", { name: /^Sign out Chrome on \w+, signed in / }).click();
  const password = sessions.getByLabel("Password");
  await expect(password).toBeFocused();
  await password.fill(PASSWORD);
  await sessions.getByRole("button", { name: "Sign out", exact: true }).click();
  const notice = sessions.getByRole("status");
  await expect(notice).toContainText(/Chrome on \w+ is signed out\. Its next page will ask to sign in\./);
  await expect(notice).toBeFocused();
  await expect(sessions.getByRole("row")).toHaveCount(2);
  await expect(sessions.getByRole("button", { name: "Sign out of all other sessions" })).toHaveCount(0);

  await other.goto("/account/security");
  await expect(other).toHaveURL(/\/login\?next=\/account\/security$/);
  await expect(other.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await elsewhere.close();
});
