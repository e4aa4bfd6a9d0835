import { expect, test } from "@playwright/test";
import { PASSWORD, comesWithTheClient, open, openAccountSecurity, register, signIn, signOut, uniqueEmail } from "./helpers";

test("a customer registers, signs in and finds Account Security with 2FA off", async ({ page }) => {
  const email = uniqueEmail("ana");
  await register(page, "Ana Lim", email);
  await signOut(page, "Ana Lim");

  await signIn(page, email);
  await expect(page).toHaveURL(/\/account$/);

  // The seed's path: user menu → "My Account" → "Account Security".
  await page.getByRole("button", { name: "Ana Lim" }).click();
  await page.getByRole("menuitem", { name: "My Account" }).click();
  await expect(page.getByRole("heading", { name: "My Account" })).toBeVisible();
  await page.getByRole("tab", { name: "Account Security" }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByText("Two-factor authentication is off")).toBeVisible();
  await expect(page.getByRole("button", { name: "Setup Two-Factor Authentication" })).toBeVisible();

  await signOut(page, "Ana Lim");
  await expect(page.getByRole("button", { name: "Ana Lim" })).toHaveCount(0);
});

test("a wrong password is refused with the same words as an unknown email", async ({ page }) => {
  const email = uniqueEmail("bo");
  await register(page, "Bo Tan", email);
  await signOut(page, "Bo Tan");

  await signIn(page, email, "not the password");
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await signIn(page, uniqueEmail("nobody"), "not the password");
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await expect(page).toHaveURL(/\/login$/);
});

test("the sign-in page, loaded directly, works without the client", async ({ page }) => {
  const email = uniqueEmail("fay");
  await register(page, "Fay Goh", email);
  await signOut(page, "Fay Goh");

  await open(page, "/login?next=%2Faccount%2Fsecurity");
  expect(await comesWithTheClient(page)).toBe(false);
  await signIn(page, email, "not the password");
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await expect(page).toHaveURL(/\/login\?next=/);
  await signIn(page, email);
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByText("Two-factor authentication is off")).toBeVisible();

  // Signed in, the sign-in page sends the customer on.
  await page.goto("/login");
  await expect(page).toHaveURL(/\/account$/);
});

test("an account page sends a visitor to sign in, and back after it", async ({ page }) => {
  const email = uniqueEmail("cy");
  await register(page, "Cy Ong", email);
  await signOut(page, "Cy Ong");

  await open(page, "/account/security");
  await expect(page).toHaveURL(/\/login\?next=\/account\/security$/);
  await signIn(page, email);
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByText("Two-factor authentication is off")).toBeVisible();
});

test("a weak password is refused with a reason", async ({ page }) => {
  await open(page, "/register");
  await page.getByLabel("Name").fill("Di Wong");
  await page.getByLabel("Email").fill(uniqueEmail("di"));
  await page.getByLabel("Password").fill("password123");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toContainText("too common");
  await expect(page).toHaveURL(/\/register$/);
});

test("a customer changes their password on the Profile tab, and signs in with the new one", async ({ page }) => {
  const email = uniqueEmail("gus");
  await register(page, "Gus Lee", email);
  const newPassword = "lantern harbour 97";

  await page.getByLabel("Current password").fill("not the password");
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toHaveText("The password is incorrect.");

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  const changed = page.getByRole("status");
  await expect(changed).toContainText("Your password has been changed.");
  await expect(changed).toBeFocused();
  await expect(page.getByLabel("New password")).toHaveValue("");

  await signOut(page, "Gus Lee");
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await signIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/account$/);
});

test("the activity pages back with Show more, focus on the first older line", async ({ page }) => {
  const email = uniqueEmail("activity");
  await register(page, "Ola Page", email);
  // Twenty-one sign-ins: the registration's, then twenty more.
  for (let round = 0; round < 20; round++) {
    await signOut(page, "Ola Page");
    await signIn(page, email);
    await expect(page).toHaveURL(/\/account$/);
  }
  await openAccountSecurity(page, "Ola Page");
  const activity = page.getByRole("region", { name: "Recent security activity" });
  await expect(activity.getByRole("row")).toHaveCount(21);
  await activity.getByRole("button", { name: "Show more" }).click();
  await expect(activity.getByRole("row")).toHaveCount(22);
  await expect(activity.getByRole("row").nth(21)).toBeFocused();
  await expect(activity.getByRole("row").nth(21)).toContainText("Signed in");
  await expect(activity.getByRole("button", { name: "Show more" })).toHaveCount(0);
});
