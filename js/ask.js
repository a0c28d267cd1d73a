// The decision to ask a visitor, for the script-tag loader: the same rules as the core's
// `ask::decide` (core/src/ask.rs), held to the same shared table (core/tests/ask_table.json) by
// tests/js/ask.test.mjs. Pure: settings, memory and environment in, "ask" or a reason out.

const DAY_MS = 86400000;

/** Config defaults of the keys that govern asking. */
export const DEFAULTS = { sampleRate: 1, recontactDays: 90, dismissDays: 14, respectGpc: true };

const validDraw = (d) => typeof d === "number" && d >= 0 && d < 1;

/** A window opened at `at` for `days` still runs at `now` (NaN keeps it running). */
const waiting = (at, days, now) => typeof at === "number" && isFinite(at) && !(now >= at + days * DAY_MS);


/** "ask", or the first rule that keeps this visitor from being asked. */
export function decide(settings, memory, env) {
  const s = { ...DEFAULTS, ...settings };
  const m = memory || {};
  // GPC, then consent: the gates that need nothing stored.
  if (s.respectGpc && env.gpc) return "gpc";
  if (env.consent !== true) return env.consent === false ? "no-consent" : "consent-pending";
  if (waiting(m.submittedAt, s.recontactDays, env.nowMs)) return "recently-submitted";
  if (waiting(m.dismissedAt, s.dismissDays, env.nowMs)) return "recently-dismissed";
  const sampled = validDraw(m.draw) ? m.draw < s.sampleRate : s.sampleRate >= 1;
  return sampled ? "ask" : "not-sampled";
}

/** Reads stored memory field by field; anything unusable is absent (as `Memory::from_json`). */
export function readMemory(text) {
  let obj;
  try {
    obj = JSON.parse(text);
  } catch {
    return {};
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return {};
  const num = (k) => (typeof obj[k] === "number" && isFinite(obj[k]) ? obj[k] : undefined);
  const m = {};
  const draw = num("draw");
  if (validDraw(draw)) m.draw = draw;
  for (const k of ["submittedAt", "dismissedAt"]) if (num(k) !== undefined) m[k] = num(k);
  const pv = num("pageviews");
  if (pv) m.pageviews = Math.min(Math.max(Math.trunc(pv), 0), 4294967295);
  return m;
}

/** The visitor's draw: the stored one, else `random` clamped into [0, 1) and stored. */
export function drawFor(memory, random) {
  if (validDraw(memory.draw)) return memory.draw;
  const below1 = 1 - Number.EPSILON / 2;
  const d = Number.isNaN(random) ? below1 : Math.min(Math.max(random, 0), below1) || 0;
  memory.draw = d;
  return d;
}
