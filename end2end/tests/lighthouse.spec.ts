import { expect, test } from "@playwright/test";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { register, uniqueEmail } from "./helpers";

const run = promisify(execFile);

interface Report {
  finalDisplayedUrl: string;
  categories: Record<string, { title: string; score: number | null }>;
  audits: Record<string, { title: string; score: number | null; scoreDisplayMode: string; displayValue?: string }>;
}

/** Lighthouse's command line on `url` as a phone on a slow 4G network sees it. */
async function audit(url: string, headers: Record<string, string>): Promise<Report> {
  const output = join(mkdtempSync(join(tmpdir(), "lighthouse-")), "report.json");
  await run(
    "npx",
    [
      "lighthouse",
      url,
      "--quiet",
      "--form-factor=mobile",
      "--output=json",
      `--output-path=${output}`,
      "--chrome-flags=--headless=new --no-sandbox",
      `--extra-headers=${JSON.stringify(headers)}`,
    ],
    { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" } },
  );
  return JSON.parse(readFileSync(output, "utf8")) as Report;
}

const percent = (score: number | null) => Math.round((score ?? 0) * 100);

/** The audits that cost `report` points, for a failure message. */
function failing(report: Report): string[] {
  return Object.entries(report.audits)
    .filter(([, audit]) => audit.score !== null && audit.score < 1 && audit.scoreDisplayMode !== "informative")
    .map(([id, audit]) => `${id}: ${audit.title} ${audit.displayValue ?? ""}`.trim());
}

// Accessibility, best practices and SEO are properties of the page, so they must
// score 100. Performance is a timing (and the other browser tests load the machine
// meanwhile), so it is printed as a figure, never asserted.
test("Lighthouse on a phone: sign-in, passkey sign-in and Account Security score 100 for accessibility, best practices and SEO", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(300_000);
  await register(page, "Lia Hart", uniqueEmail("lighthouse"));
  const session = (await page.context().cookies())
    .filter((cookie) => cookie.name.endsWith("portal_session"))
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join("; ");
  expect(session).not.toBe("");

  for (const [path, headers] of [
    ["/login", {}],
    ["/login/passkey", {}],
    ["/account/security", { Cookie: session }],
  ] as const) {
    const report = await audit(`${baseURL}${path}`, headers);
    const metric = (id: string) => report.audits[id].displayValue;
    console.log(
      `Lighthouse ${path}: performance ${percent(report.categories.performance.score)} ` +
        `(FCP ${metric("first-contentful-paint")}, LCP ${metric("largest-contentful-paint")}, ` +
        `TBT ${metric("total-blocking-time")}, CLS ${metric("cumulative-layout-shift")}), ` +
        ["accessibility", "best-practices", "seo"]
          .map((id) => `${report.categories[id].title.toLowerCase()} ${percent(report.categories[id].score)}`)
          .join(", "),
    );
    // Not a redirect to sign-in: the page itself was audited.
    expect(new URL(report.finalDisplayedUrl).pathname).toBe(path);
    for (const category of ["accessibility", "best-practices", "seo"]) {
      expect(percent(report.categories[category].score), `${path} ${category}: ${failing(report).join("; ")}`).toBe(100);
    }
  }
});
