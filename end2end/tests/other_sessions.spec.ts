import { expect, test } from "@playwright/test";
import { PASSWORD, open, openAccountSecurity, openQrModal, register, signIn, syncAuthenticator, uniqueEmail } from "./helpers";
import { nextCode } from "./totp";

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

test("after signing out everywhere else, what was added lately is shown with Remove", async ({ page, browser }) => {
  const email = uniqueEmail("review");
  await register(page, "Rae Kim", email);
  const app = await syncAuthenticator(page, await openQrModal(page, "Rae Kim"));

  // Someone else signs in with the password and a code.
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await open(other, "/login");
  await signIn(other, email);
  await other.getByLabel("Verification code").fill(nextCode(app));
  await other.getByRole("button", { name: "Verify" }).click();
  await expect(other).toHaveURL(/\/account$/);

  await open(page, "/account/security");
  const sessions = page.getByRole("region", { name: "Where you're signed in" });
  await sessions.getByRole("button", { name: "Sign out of all other sessions" }).click();
  await sessions.getByLabel("Password").fill(PASSWORD);
  await sessions.locator("form").getByRole("button", { name: "Sign out of all other sessions" }).click();
  await expect(sessions.getByRole("status").first()).toBeFocused();

  const review = page.getByRole("region", { name: "Added in the last 30 days" });
  await expect(review.getByRole("listitem")).toHaveCount(1);
  await expect(review.getByRole("listitem")).toContainText(/Authenticator App\s*Turned on \d{4}-\d\d-\d\d/);
  await review.getByRole("button", { name: "Remove Authenticator App" }).click();
  await expect(review.getByLabel("Password")).toBeFocused();
  await review.getByLabel("Password").fill(PASSWORD);
  await review.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(review.getByRole("status")).toContainText("Two-factor authentication is now off.");
  await expect(review.getByRole("status")).toBeFocused();
  await expect(review.getByText("Nothing was added to how you sign in in the last 30 days.")).toBeVisible();
  await expect(page.getByText("Two-factor authentication is off", { exact: true })).toBeVisible();
  await review.getByRole("button", { name: "Done" }).click();
  await expect(review).toHaveCount(0);
  await elsewhere.close();
});
