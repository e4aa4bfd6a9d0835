import * as OTPAuth from "otpauth";

/** An authenticator app for the setup key shown on the page, as Google Authenticator would make it. */
export function authenticatorFor(setupKey: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(setupKey.replace(/\s+/g, "")),
    algorithm: "SHA1",
    digits: 6,
    period: 30,
  });
}

/** The code of the next 30-second step: accepted, and never the one just used. */
export function nextCode(app: OTPAuth.TOTP): string {
  return app.generate({ timestamp: Date.now() + 30_000 });
}
