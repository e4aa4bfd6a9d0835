import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, open, register, signOut, uniqueEmail } from "./helpers";

/** Every WASM file the page fetches from now on, by path. */
function wasmFetched(page: Page): string[] {
  const paths: string[] = [];
  page.on("response", (response) => {
    const path = new URL(response.url()).pathname;
    if (path.endsWith(".wasm")) {
      expect(response.status(), path).toBe(200);
      paths.push(path);
    }
  });
  return paths;
}

const isChunk = (path: string) => !/\/portal\.[^/]+\.wasm$/.test(path);

test("the sign-in page downloads only the main WASM; Account Security's chunks come with it, the wizard's on demand", async ({ page }) => {
  const email = uniqueEmail("di");
  await register(page, "Di Park", email);
  await signOut(page, "Di Park");

  const onSignIn = wasmFetched(page);
  await open(page, "/login");
  expect(onSignIn.filter(isChunk), "no route chunk on the sign-in page").toEqual([]);
  expect(onSignIn).toHaveLength(1);

  // Client-side, the lazy route's chunks load when the customer first goes there.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My Account" })).toBeVisible();
  await page.getByRole("tab", { name: "Account Security" }).click();
  await expect(page.getByRole("button", { name: "Setup Two-Factor Authentication" })).toBeVisible();

  // Loaded directly, the page names its chunks in the head, and hydrates with them.
  const tab = await page.context().newPage();
  const direct = wasmFetched(tab);
  await open(tab, "/account/security");
  const preloads = await tab.locator('head link[rel="preload"][type="application/wasm"]').evaluateAll((links) =>
    links.map((link) => new URL((link as HTMLLinkElement).href).pathname),
  );
  expect(preloads.length, "the page preloads its route chunks").toBeGreaterThan(0);
  expect(new Set(preloads).size, "each chunk once").toBe(preloads.length);
  for (const chunk of preloads) expect(direct).toContain(chunk);

  const isWizard = (path: string) => path.includes("/split_wizard_");
  expect(direct.filter(isWizard), "the wizard is not downloaded before it is opened").toEqual([]);
  await tab.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
  await expect(tab.getByRole("heading", { name: "Select Method" })).toBeFocused();
  expect(direct.filter(isWizard)).toHaveLength(1);
});
