import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, comesWithTheClient, open, register, signOut, uniqueEmail } from "./helpers";

/** Every WASM file the page fetches from now on: its path and HTTP status. */
function wasmFetched(page: Page): { path: string; status: number }[] {
  const fetched: { path: string; status: number }[] = [];
  page.on("response", (response) => {
    const path = new URL(response.url()).pathname;
    if (path.endsWith(".wasm")) fetched.push({ path, status: response.status() });
  });
  return fetched;
}

const paths = (fetched: { path: string }[]) => fetched.map(({ path }) => path);
const isChunk = (path: string) => !/\/portal\.[^/]+\.wasm$/.test(path);
const isWizard = (path: string) => path.includes("/split_wizard_");

/** The chunks the page's head preloads, and a check that they are preloaded as this portal does. */
async function preloadedChunks(page: Page): Promise<string[]> {
  const preloads = page.locator('head link[rel="preload"][type="application/wasm"]');
  // The CSP nonce must never be copied into an attribute the browser does not hide.
  await expect(page.locator('link[crossorigin]:not([crossorigin="anonymous"])')).toHaveCount(0);
  return preloads.evaluateAll((links) => links.map((link) => new URL((link as HTMLLinkElement).href).pathname));
}

test("the sign-in page downloads no WASM; a lazy page preloads its chunks, and the wizard comes on demand", async ({
  page,
  browser,
}) => {
  const email = uniqueEmail("di");
  await register(page, "Di Park", email);
  await signOut(page, "Di Park");

  // Loaded directly, the sign-in page is HTML and CSS: the browser posts its form.
  const onSignIn = wasmFetched(page);
  await open(page, "/login");
  await page.waitForLoadState("networkidle");
  expect(await comesWithTheClient(page)).toBe(false);
  expect(onSignIn, "no WASM on the sign-in page").toEqual([]);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My Account" })).toBeVisible();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  expect(paths(onSignIn).filter((path) => !isChunk(path)), "the main WASM, once signed in").toHaveLength(1);

  // Client-side, a lazy route's chunks load when the customer first goes there.
  const onTab = wasmFetched(page);
  await page.getByRole("tab", { name: "Account Security" }).click();
  await expect(page.getByRole("button", { name: "Setup Two-Factor Authentication" })).toBeVisible();
  expect(paths(onTab).filter(isChunk).length, "the security tab came as a chunk").toBeGreaterThan(0);
  expect([...onSignIn, ...onTab].filter(({ status }) => status !== 200)).toEqual([]);

  // Loaded directly, in a browser with nothing cached, each lazy page names its
  // chunks in the head, and each is fetched once: the preload is what the loader uses.
  const fresh = await browser.newContext({ storageState: await page.context().storageState() });
  for (const path of ["/register", "/account", "/account/security"]) {
    const tab = await fresh.newPage();
    const fetched = wasmFetched(tab);
    await open(tab, path);
    const preloads = await preloadedChunks(tab);
    expect(preloads.length, `${path} preloads its route's chunks`).toBeGreaterThan(0);
    expect(new Set(preloads).size, "each chunk once").toBe(preloads.length);
    for (const chunk of preloads) {
      expect(paths(fetched).filter((fetchedPath) => fetchedPath === chunk), chunk).toHaveLength(1);
    }
    expect(fetched.filter(({ status }) => status !== 200)).toEqual([]);

    if (path === "/account/security") {
      expect(paths(fetched).filter(isWizard), "the wizard is not downloaded before it is opened").toEqual([]);
      await tab.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
      await expect(tab.getByRole("heading", { name: "Select Method" })).toBeFocused();
      expect(paths(fetched).filter(isWizard)).toHaveLength(1);
    }
    await tab.close();
  }
  await fresh.close();
});

test("a chunk that cannot be fetched reloads the page once, which then works", async ({ page }) => {
  await register(page, "Ed Wong", uniqueEmail("ed"));
  await open(page, "/account/security");
  // The wizard's chunk fails once, as a flaky network or a deploy that removed it would.
  let failures = 0;
  await page.route(/\/split_wizard_[^/]*\.wasm$/, (route) => (failures++ === 0 ? route.abort() : route.continue()));

  const reloaded = page.waitForEvent("load");
  await page.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
  await reloaded;
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await page.getByRole("button", { name: "Setup Two-Factor Authentication" }).click();
  await expect(page.getByRole("heading", { name: "Select Method" })).toBeFocused();
  expect(failures).toBe(2);
});
