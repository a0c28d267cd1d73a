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

/**
 * The stored memory as an object, whatever was stored (nothing, or text that is no JSON object,
 * is an empty one). Fields are not checked here: `decide` uses only a number it can use (as
 * `Memory::from_json` reads them), and the widget reads the memory again itself, so fields it
 * does not know (`pageviews`, its own) are kept as they were when the draw is written back.
 */
export function readMemory(text) {
  try {
    return { ...JSON.parse(text) };
  } catch {
    return {};
  }
}

/** The visitor's draw: the stored one, else `random` (from `Math.random()`, so in [0, 1)), stored. */
export function drawFor(memory, random) {
  return validDraw(memory.draw) ? memory.draw : (memory.draw = random);
}
