import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import {
  PASSWORD,
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

test("the wizard's last step offers the recovery codes to copy and download before Okay", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const email = uniqueEmail("codes");
  await register(page, "Ria Das", email);
  await verifyAuthenticator(page, await openQrModal(page, "Ria Das"));

  const codes = await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allInnerTexts();
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);

  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByText("Copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join("\n"));

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("customer-portal-recovery-codes.txt");
  const file = readFileSync(await download.path(), "utf8");
  expect(file).toContain("Customer Portal recovery codes");
  expect(file).toContain(`Account: ${email}`);
  for (const code of codes) expect(file).toContain(code);

  expect(await saveRecoveryCodes(page)).toEqual(codes);
  await expect(page.getByRole("status")).toContainText("Two-factor authentication is now on");
  await expect(page.getByText("You have 10 recovery codes left.")).toBeVisible();
});

test("a customer without their phone signs in with a recovery code, once, and sees it in the activity", async ({
  page,
}) => {
  const email = uniqueEmail("lostphone");
  await register(page, "Ola Berg", email);
  await verifyAuthenticator(page, await openQrModal(page, "Ola Berg"));
  const codes = await saveRecoveryCodes(page);

  // The phone is gone: "Use a recovery code", typed in capitals.
  await signOut(page, "Ola Berg");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/login\/code/);
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await expect(page.getByLabel("Recovery code")).toBeFocused();
  await page.getByLabel("Recovery code").fill("aaaa-bbbb-cccc");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toContainText("recovery code is not right");
  await page.getByLabel("Recovery code").fill(codes[0].toUpperCase());
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expectEmail(email, "You have 9 recovery codes left.");

  // The activity says so, with the browser and the address.
  await openAccountSecurity(page, "Ola Berg");
  await expect(page.getByText("You have 9 recovery codes left.")).toBeVisible();
  const activity = page.getByRole("region", { name: "Recent security activity" });
  await expect(activity.getByRole("row").nth(1)).toContainText("Signed in");
  const used = activity.getByRole("row").nth(2);
  await expect(used).toContainText("Signed in with a recovery code (9 left)");
  await expect(used).toContainText(/Chrome on \w+/);
  await expect(used).toContainText("127.0.0.1");
  await expect(activity).toContainText("Wrong verification code entered");
  await expect(activity).toContainText("Two-factor authentication turned on");

  // A new set with the password; the old codes stop working.
  await page.getByRole("button", { name: "Regenerate recovery codes" }).click();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Regenerate" }).click();
  const fresh = await saveRecoveryCodes(page);
  expect(fresh).not.toContain(codes[1]);
  await expect(page.getByRole("status")).toContainText("Your new recovery codes replace the old ones");
  await expect(activity.getByRole("row").nth(1)).toContainText("New recovery codes generated");

  await signOut(page, "Ola Berg");
  await signIn(page, email);
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(codes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toContainText("already been used");
});
