// Typed use of every export of js/eservqual.d.ts (the package's declarations), checked by
// `tsc -p tests/types` (scripts/lint.sh) and never run. A declaration that stops accepting
// these uses, or starts accepting the `@ts-expect-error` ones, fails the check. The `Required<>`
// and exhaustiveness checks below keep the lists here in step with the .d.ts: a config key, an
// event or an error code added there must be added here too.
import load, {
  init,
  score,
  version,
  type Answer,
  type BuiltinInstrument,
  type Class,
  type Config,
  type CustomInstrument,
  type DimensionScores,
  type ErrorCode,
  type EservqualError,
  type EventName,
  type EservqualGlobal,
  type Format,
  type InitInput,
  type InstrumentRef,
  type ItemScores,
  type LoaderSurvey,
  type LocalText,
  type NpsCategory,
  type Outcome,
  type Outcomes,
  type OverallScores,
  type Payload,
  type RecoveryScores,
  type Scale,
  type ScoreInput,
  type Scores,
  type Survey,
  type SurveyEvents,
  type Trigger,
} from "eservqual";

/** `true` only when the two types are the same. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(): T | void {}

// --- Loading: every kind of InitInput, bare or as a Promise ---------------------------------
const inputs: InitInput[] = [
  "/eservqual_wasm_bg.wasm",
  new URL("https://example.com/eservqual_wasm_bg.wasm"),
  new Request("/eservqual_wasm_bg.wasm"),
  new Response(new Uint8Array([0, 97, 115, 109])),
  new Uint8Array([0, 97, 115, 109]),
  new ArrayBuffer(8),
];
export async function loading(module: WebAssembly.Module): Promise<unknown> {
  await load();
  await load(module);
  await load(fetch("/eservqual_wasm_bg.wasm"));
  // @ts-expect-error: null is no wasm source (a number would pass: lib.dom's
  // WebAssembly.Module is an empty interface, which any non-null value satisfies)
  await load(null);
  return Promise.all(inputs.map((i) => load(i)));
}

// --- Config: every key (Required<> fails when the .d.ts gains one not listed here) ----------
const triggers: Trigger[] = [
  { on: "manual" },
  { on: "load" },
  { on: "delay", ms: 5000 },
  { on: "exit-intent" },
  { on: "scroll", percent: 50 },
  { on: "pageviews", count: 3 },
  { on: "event", name: "checkout-done" },
];
const outcomes: Outcome[] = ["nps", "csat", "ces", "satisfaction", "value", "loyalty", "comment"];
const instruments: BuiltinInstrument[] = ["e-s-qual", "e-recs-qual", "servqual"];
const formats: Format[] = ["perception", "gap", "zone"];
const scale: Scale = { min: 1, max: 7 };
const name: LocalText = { en: "Delivery", "zh-CN": "配送" };
const custom: CustomInstrument = {
  id: "acme-delivery",
  version: "1",
  scale,
  format: "gap",
  name,
  dimensions: [{ code: "DEL", name, items: [{ code: "DEL1", text: { en: "On time" }, reverse: false }, { code: "DEL2" }] }],
};

const full: Required<Config> = {
  endpoint: "https://collect.example.com/v1/responses",
  instrument: "e-s-qual",
  format: "perception",
  dimensions: ["EFF", "SYS", "PRI"],
  recovery: true,
  outcomes,
  weights: false,
  locale: "zh-TW",
  strings: { "ui.next": "Continue" },
  mode: "inline",
  target: "#feedback",
  launcher: false,
  trigger: triggers[2]!,
  sampleRate: 0.25,
  recontactDays: 90,
  dismissDays: 14,
  consent: () => Promise.resolve(true),
  respectGpc: true,
  showSummary: false,
  theme: { mode: "dark", accent: "#0a7", radius: "8px", font: "system-ui" },
  headers: { "X-Site": "shop" },
  beforeSend: (payload) => ({ ...payload, meta: { ...payload.meta, plan: "pro" } }),
  timeoutMs: 10_000,
  site: "shop",
  meta: { plan: "free", cart: 3, returning: true },
  resumeHours: 48,
  partial: true,
};
const minimal: Config = { endpoint: "https://collect.example.com/v1/responses" };
const variants: Config[] = [
  full,
  minimal,
  { ...minimal, instrument: custom, target: document.body, consent: false },
  { ...minimal, consent: () => true, beforeSend: () => null },
  { ...minimal, beforeSend: async () => undefined, theme: { mode: "auto" } },
  ...instruments.map((instrument) => ({ ...minimal, instrument })),
  ...formats.map((format) => ({ ...minimal, format })),
  ...triggers.map((trigger) => ({ ...minimal, trigger })),
];

// @ts-expect-error: `endpoint` is required
const noEndpoint: Config = { sampleRate: 1 };
// @ts-expect-error: an unknown key is an error at run time, so a type error too
const unknownKey: Config = { endpoint: "https://x.example", sampelRate: 1 };
// @ts-expect-error: `mode` is "popover" or "inline"
const badMode: Config = { endpoint: "https://x.example", mode: "modal" };
// @ts-expect-error: a delay trigger needs `ms`
const badTrigger: Trigger = { on: "delay" };
// @ts-expect-error: `strings` values are text only
const badStrings: Config = { endpoint: "https://x.example", strings: { "ui.next": 1 } };

// --- Survey and its events: a handler for each (the mapped type fails on a missing one) ------
const handlers: { [E in EventName]: (detail: SurveyEvents[E]) => void } = {
  open: (d) => void d,
  close: (d) => void d,
  answer: ({ key, value }) => console.log(key.toUpperCase(), value === null ? "n/a" : value + 1),
  submit: ({ payload, scores }) => console.log(payload.id, scores.overall.p, score(payload).class),
  queued: ({ id, stored, status }) => console.log(id, stored ? "stored" : "in memory", status),
  delivered: ({ id, status, attempts }) => console.log(id, status + attempts),
  failed: ({ id, reason, status }) => {
    const reasons: Array<SurveyEvents["failed"]["reason"]> = [
      "rejected",
      "max-attempts",
      "expired",
      "too-large",
      "outbox-full",
      "cancelled",
      "before-send",
      "invalid-payload",
    ];
    console.log(id, reasons.includes(reason), status ?? "no status");
  },
};

export async function widget(): Promise<Survey[]> {
  const survey: Survey = await init(full);
  const offs: Array<() => void> = (Object.keys(handlers) as EventName[]).map((event) =>
    survey.on(event, handlers[event] as (detail: SurveyEvents[typeof event]) => void),
  );
  const off = survey.on("answer", (detail) => {
    const key: string = detail.key;
    const value: number | null = detail.value;
    console.log(key, value);
  });
  survey.on("failed", (detail) => {
    // @ts-expect-error: not one of the reasons
    const never: boolean = detail.reason === "timeout";
    console.log(never);
  });
  // @ts-expect-error: not an event
  survey.on("opened", () => {});
  // @ts-expect-error: the detail of `answer` has no `payload`
  survey.on("answer", (detail) => detail.payload);
  survey.open();
  survey.trigger("checkout-done");
  // @ts-expect-error: `trigger` takes the event's name
  survey.trigger({ on: "event", name: "checkout-done" });
  survey.close();
  off();
  offs.forEach((f) => f());
  survey.destroy();
  survey.free();
  // @ts-expect-error: `init` needs a config
  await init();
  return Promise.all(variants.map((c) => init(c)));
}

// --- score: inputs of every shape, and every part of the result -----------------------------
const answers: { [item: string]: Answer } = {
  EFF1: { p: 5 },
  EFF2: { p: null },
  SYS1: { p: 6, e: 7 },
  FUL1: { min: 4, des: 6, p: 5 },
  PRI1: {},
};
const ref: InstrumentRef = { id: "servqual", version: "1", format: "zone", dimensions: ["TAN", "REL"] };
const response: Outcomes = {
  nps: 9,
  csat: 4,
  ces: null,
  satisfaction: 6,
  value: [6, null],
  loyalty: null,
  comment: "fine",
};
const scoreInputs: ScoreInput[] = [
  { instrument: "e-s-qual", answers, recovery: null, outcomes: response },
  { instrument: ref, answers, weights: { TAN: 40, REL: 60 } },
  { instrument: custom, format: "gap", dimensions: ["DEL"], scale, answers },
  { instrument: "acme-loaded", answers, outcomes: null },
];
// @ts-expect-error: a misspelt key in a literal (`answer`) is caught
const misspelt: ScoreInput = { instrument: "e-s-qual", answer: answers };
// @ts-expect-error: `instrument` is required
const noInstrument: ScoreInput = { answers };
// @ts-expect-error: an answer value is a number or null
const badAnswer: Answer = { p: "5" };

function describe(scores: Scores): string {
  const dims: Array<[string, DimensionScores]> = Object.entries(scores.dimensions);
  const items: Array<[string, ItemScores]> = Object.entries(scores.items ?? {});
  const overall: OverallScores = scores.overall;
  const recovery: RecoveryScores | null | undefined = scores.recovery;
  const klass: Class | null = scores.class;
  const nps: NpsCategory | null = scores.nps_category;
  const parts = [
    ...dims.map(([code, d]) => `${code} ${d.p} ${d.e} ${d.gap} ${d.msa} ${d.mss} ${d.zot}`),
    ...items.map(([code, i]) => `${code} ${i.gap} ${i.msa} ${i.mss} ${i.zot} ${i.position} ${i.inverted}`),
    `${overall.p} ${overall.p_weighted} ${overall.gap} ${overall.gap_weighted} ${overall.msa} ${overall.mss}`,
    `${recovery?.overall.p} ${Object.keys(recovery?.dimensions ?? {})}`,
    `${klass} ${nps} ${scores.weakest} ${scores.outcomes?.value} ${scores.outcomes?.loyalty}`,
  ];
  // @ts-expect-error: overall.p may be null
  const sure: number = overall.p;
  return parts.join("\n") + sure;
}

// Every error code (the check below fails when the .d.ts gains one not listed here).
const codes = [
  "invalid-json",
  "invalid-type",
  "missing-field",
  "unknown-field",
  "out-of-range",
  "not-integer",
  "unknown-instrument",
  "unknown-item",
  "unknown-dimension",
  "invalid-format",
  "wrong-scale",
  "unsupported-schema",
  "invalid-id",
  "invalid-time",
  "invalid-weights",
  "invalid-instrument",
  "wrong-form",
  "empty",
  "not-loaded",
] as const satisfies readonly ErrorCode[];
assertType<Same<(typeof codes)[number], ErrorCode>>();

function isEservqualError(e: unknown): e is EservqualError {
  return e instanceof Error && e.name === "EservqualError";
}

export function scoring(): string[] {
  const v: string | undefined = version();
  // @ts-expect-error: `version()` is undefined until the wasm is loaded
  const sure: string = version();
  const out = [`${v} ${sure}`];
  for (const input of scoreInputs) {
    try {
      out.push(describe(score(input)));
    } catch (e) {
      if (!isEservqualError(e)) throw e;
      const code: ErrorCode = e.code;
      out.push(`${codes.indexOf(code)} ${e.field}: ${e.message}`);
    }
  }
  // @ts-expect-error: `score` takes a ScoreInput, not JSON text
  score('{"instrument":"e-s-qual"}');
  // @ts-expect-error: the scores have no `total`
  out.push(String(score(scoreInputs[0]!).total));
  return out;
}

// --- Payload: the whole response as `submit` and `beforeSend` see it -----------------------
export function payload(scores: Scores): Payload {
  const p: Payload = {
    schema: "eservqual.response/1",
    id: "0d4c6a8e-1f2b-4c3d-9e8f-7a6b5c4d3e2f",
    instrument: { id: "e-s-qual", version: "1", format: "perception", dimensions: ["EFF"] },
    scale,
    locale: "en",
    submitted_at: "2026-01-01T00:00:00Z",
    started_at: "2025-12-31T23:58:00Z",
    answers,
    recovery: { RSP1: { p: 4 }, CMP1: { p: null } },
    weights: { EFF: 100 },
    outcomes: response,
    site: "shop",
    page: "/checkout",
    meta: { plan: "free" },
    scores,
    sdk: { name: "eservqual", version: "0.1.0" },
  };
  // A whole payload is a valid ScoreInput (its other keys are ignored).
  const asInput: ScoreInput = p;
  const again: Scores = score(p);
  // @ts-expect-error: the schema is fixed
  const wrongSchema: Payload = { ...p, schema: "eservqual.response/2" };
  // A partial response says so, and where the visitor left.
  const partial: Payload = { ...p, status: "partial", step: "EFF" };
  // @ts-expect-error: complete or partial, nothing else
  const wrongStatus: Payload = { ...p, status: "done" };
  console.log(asInput, again, wrongSchema, partial, wrongStatus);
  return p;
}

export {
  noEndpoint,
  unknownKey,
  badMode,
  badTrigger,
  badStrings,
  noInstrument,
  misspelt,
  badAnswer,
};

// --- The script-tag loader's global (embed.js): typed, possibly absent ---------------------
export async function loader(): Promise<void> {
  const g: EservqualGlobal | undefined = window.eservqual;
  if (!g) return;
  const first: LoaderSurvey = await g.ready;
  first.open();
  // The tag gives the endpoint: init() takes the other keys alone, merged over it.
  const again: LoaderSurvey = await g.init({ theme: { mode: "dark" }, meta: { plan: "pro" }, beforeSend: (p) => p });
  await g.init();
  // Page targeting is the loader's: its init() takes `pages`, the module's does not.
  await g.init({ pages: ["/shop/*", "!/shop/cart"] });
  // @ts-expect-error: a list of patterns, not one string
  await g.init({ pages: "/shop/*" });
  // @ts-expect-error: the module's init() refuses `pages` (an unknown key at run time)
  await init({ endpoint: "https://collect.example/v1/responses", pages: ["/shop/*"] });
  g.consent(true);
  const off: () => void = g.on("submit", ({ scores }) => console.log(scores.class));
  off();
  g.open();
  g.close();
  g.trigger("order-complete");
  g.destroy();
  again.close();
  // @ts-expect-error: an unknown key, as init() refuses at run time
  await g.init({ sampelRate: 0.5 });
  // @ts-expect-error: the loader's Survey has no free()
  first.free();
  // @ts-expect-error: consent takes a boolean
  g.consent("yes");
  // @ts-expect-error: possibly absent (no embed.js on the page)
  globalThis.eservqual.open();
}
