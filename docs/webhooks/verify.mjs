// Checks a webhook request of `eservqual serve` (Standard Webhooks). As a script: the raw body on
// stdin, WEBHOOK_SECRET and the three headers in WEBHOOK_ID, WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE;
// exits 0 when the request is authentic, 1 otherwise.
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

// `body` is the raw request body (a Buffer or string, exactly as received: not re-serialised JSON).
export function verify(secret, id, timestamp, signatureHeader, body, toleranceSeconds = 300) {
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret);
  // A stale or future timestamp is refused: a replayed request is not accepted later.
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest();
  return signatureHeader.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const env = process.env;
const ok = verify(env.WEBHOOK_SECRET, env.WEBHOOK_ID, env.WEBHOOK_TIMESTAMP, env.WEBHOOK_SIGNATURE, readFileSync(0));
process.exit(ok ? 0 : 1);
