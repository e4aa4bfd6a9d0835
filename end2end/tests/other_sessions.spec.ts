import { expect, test } from "@playwright/test";
import { open, openQrModal, register, signIn, syncAuthenticator, uniqueEmail } from "./helpers";

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
  await expect(other).toHaveURL(/\/login\?next=%2Faccount%2Fsecurity$/);
  await expect(other.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
  await elsewhere.close();
});
