import { expect, test } from "@playwright/test";
import { currentStep, openAccountSecurity, register, uniqueEmail } from "./helpers";

// A control that is visible must work when clicked: a fast customer (and Playwright)
// clicks a method the moment the wizard shows it, while its code is still arriving.
for (const method of ["Authenticator App", "SMS", "Passkey or security key"]) {
  test(`"${method}" works when clicked the moment the wizard shows`, async ({ page }) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.context().clearCookies();
      await register(page, "Kim Ong", uniqueEmail("quick"));
      await openAccountSecurity(page, "Kim Ong");
      await page.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
      await page.getByRole("button", { name: method }).click();
      await expect(currentStep(page)).toHaveText("Verify Identity");
      await expect(page.getByLabel("Password")).toBeVisible();
    }
  });
}
