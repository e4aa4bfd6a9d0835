import { expect, test, type Locator, type Page } from "@playwright/test";
import { PASSWORD, currentStep, register, uniqueEmail } from "./helpers";
import { authenticatorFor } from "./totp";

/** Presses Tab until `target` has focus, as a keyboard user would; fails if it never does. */
async function tabTo(page: Page, target: Locator, most = 40): Promise<void> {
  for (let presses = 0; presses < most; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

test("seed 000 with the keyboard alone: focus lands on each new step", async ({ page }) => {
  await register(page, "Kim Ode", uniqueEmail("keyboard"));
  await expect(page.locator("body[data-hydrated]")).toBeAttached();

  // User menu → "My Account": opening the menu puts focus on its first item.
  const menuButton = page.getByRole("button", { name: "Kim Ode" });
  await tabTo(page, menuButton);
  await page.keyboard.press("Enter");
  const myAccount = page.getByRole("menuitem", { name: "My Account" });
  await expect(myAccount).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(myAccount).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/account$/);

  // "Account Security" → "Setup Two-Factor Authentication".
  await tabTo(page, page.getByRole("tab", { name: "Account Security" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/account\/security$/);
  const setup = page.getByRole("button", { name: "Setup Two-Factor Authentication" });
  await tabTo(page, setup);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Select Method" })).toBeFocused();

  // "Authenticator App" → the password.
  await tabTo(page, page.getByRole("button", { name: "Authenticator App" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Verify Identity" })).toBeFocused();
  await tabTo(page, page.getByLabel("Password"));
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");

  // The QR code's dialog opens with focus in its code field; a wrong code is
  // announced and focus comes back to the emptied field.
  const dialog = page.getByRole("dialog", { name: "Scan the QR code" });
  const codeField = dialog.getByLabel("Verification code");
  await expect(codeField).toBeFocused();
  await expect(currentStep(page)).toHaveText("Sync Authenticator");
  await page.keyboard.type("000000");
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("alert")).toContainText("not right");
  await expect(codeField).toBeFocused();
  await expect(codeField).toHaveValue("");
  const app = authenticatorFor(await dialog.getByTestId("setup-key").innerText());
  await page.keyboard.type(app.generate());
  await page.keyboard.press("Enter");

  // "Confirm Activation": save the recovery codes, then "Okay".
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { name: "Confirm Activation" })).toBeFocused();
  await tabTo(page, page.getByRole("checkbox", { name: "I have saved my recovery codes" }));
  await page.keyboard.press("Space");
  await tabTo(page, page.getByRole("button", { name: "Okay" }));
  await page.keyboard.press("Enter");

  // The success message takes focus, so it is read out.
  const notice = page.getByRole("status").filter({ hasText: "Two-factor authentication is now on" });
  await expect(notice).toBeFocused();
  await expect(page.getByText("Two-factor authentication is on with the Authenticator App")).toBeVisible();
});

test("cancelling the wizard gives focus back to the button that opened it", async ({ page }) => {
  await register(page, "Lou Park", uniqueEmail("cancel"));
  await page.goto("/account/security");
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  const setup = page.getByRole("button", { name: "Setup Two-Factor Authentication" });
  await tabTo(page, setup);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Select Method" })).toBeFocused();
  await tabTo(page, page.getByRole("button", { name: "Cancel" }));
  await page.keyboard.press("Enter");
  await expect(setup).toBeFocused();

  // Escape closes the user menu and focus goes back to its button.
  const menuButton = page.getByRole("button", { name: "Lou Park" });
  await tabTo(page, menuButton);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "My Account" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toBeHidden();
  await expect(menuButton).toBeFocused();

  // An arrow key on the button opens the menu at that end; Tab leaves and closes it.
  await page.keyboard.press("ArrowUp");
  await expect(page.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("menu")).toBeHidden();
});
