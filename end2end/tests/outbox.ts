import { expect } from "@playwright/test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where the test's portal writes what it sends (playwright.config.ts). */
const dataDir = (): string => process.env.E2E_DATA_DIR!;

/** A mobile number no other test uses: +60 12 then seven random digits. */
export function uniquePhone(): string {
  return `+6012${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
}

/** The codes texted to `phone` so far, oldest first, from the development SMS log. */
function codesTo(phone: string): string[] {
  const log = join(dataDir(), "sms.log");
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line.includes(` to ${phone}: `))
    .map((line) => line.split(`to ${phone}: `)[1].slice(0, 6));
}

/** The `count`-th code texted to `phone` (1 = the first), once it has arrived. */
export async function smsCode(phone: string, count: number): Promise<string> {
  await expect.poll(() => codesTo(phone).length, { message: `SMS number ${count} to ${phone}` }).toBeGreaterThanOrEqual(count);
  return codesTo(phone)[count - 1];
}

/** The text of every email sent to `address`, with quoted-printable line breaks undone. */
function emailsTo(address: string): string[] {
  const folder = join(dataDir(), "outbox");
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith(".eml"))
    .map((name) => readFileSync(join(folder, name), "utf8").replace(/=\r?\n/g, ""))
    .filter((text) => text.includes(`To: ${address}`));
}

/** Waits for an email to `address` that contains `text`. */
export async function expectEmail(address: string, text: string): Promise<void> {
  await expect
    .poll(() => emailsTo(address).some((email) => email.includes(text)), { message: `email to ${address}: ${text}` })
    .toBe(true);
}

/** The link in the email to `address` that contains `text`, once it has arrived. */
export async function emailedLink(address: string, text: string): Promise<string> {
  const link = () => {
    const email = emailsTo(address).find((found) => found.includes(text));
    return email?.replace(/=3D/g, "=").match(/https?:\/\/[^\s"<]+/)?.[0] ?? "";
  };
  await expect.poll(link, { message: `a link in the email to ${address}: ${text}` }).not.toBe("");
  return link();
}
