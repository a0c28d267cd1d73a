// Hand-written declarations of the `eservqual` ES module (pkg/eservqual.js): the wasm loader,
// `init(config)` and the `Survey` it resolves to, `score` and `version` (docs/interfaces.md
// "JavaScript API"), and the global `window.eservqual` of the script-tag loader (embed.js).
// They replace the file wasm-bindgen generates. They need no DOM library: a server-side build
// (`"lib": ["es2022"]`) type-checks `score`, `load` and `version`; the browser types (`Element`,
// `Response`, ...) are used where the program has them (`Dom<"Element">` below).

/**
 * The global `K`'s instance type when the program's libraries declare it (the DOM library, or
 * Node's for `URL`, `Request`, `Response`), else `never`: no global type is required or added.
 */
type Dom<K extends string> = typeof globalThis extends { [P in K]: { prototype: infer T } } ? T : never;

/**
 * Where the wasm comes from: a URL, a fetch Request or Response, bytes or a compiled module. In
 * Node, pass the bytes: `load(readFileSync(new URL("eservqual_wasm_bg.wasm", import.meta.resolve("eservqual"))))`
 * (Node's fetch cannot read a `file:` URL).
 */
export type InitInput =
  | string
  | Dom<"URL">
  | Dom<"Request">
  | Dom<"Response">
  | ArrayBuffer
  | ArrayBufferView
  | (typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : never);

/**
 * Loads and instantiates the wasm once (default: the `.wasm` beside this module); later calls
 * share the first. `init` calls it; `score` and `version` need it to have finished.
 */
export default function load(source?: InitInput | Promise<InitInput>): Promise<unknown>;

/**
 * Creates the widget. Resolves to a `Survey` as soon as the config is valid (the decision to
 * ask — consent, GPC, sampling, recontact — is made right after, asynchronously when `consent`
 * is a function). Rejects with an `EservqualError` naming the key (`code`, `field`, `message`)
 * and logs one console message; the page is then left untouched.
 */
export function init(config: Config): Promise<Survey>;

/** The events of `Survey.on` and their `detail`. */
export interface SurveyEvents {
  open: {};
  /** Closed by Escape, the close button or `close()`; unsubmitted, it counts as a dismissal. */
  close: {};
  /** One radio answered: `key` is `"EFF1.p"`, `"EFF1.e"`, `"nps"`, `"value.2"`, `"screen"`...; `value` `null` for N/A. */
  answer: { key: string; value: number | null };
  /** The payload as it will be sent (before `beforeSend`) and its client-side scores. */
  submit: { payload: Payload; scores: Scores };
  /**
   * Saved in the outbox before the first attempt; `stored: false` when browser storage refused
   * it (full or blocked): it is kept in memory and still sent while the page is open.
   */
  queued: { id: string; stored: boolean; status: null };
  /** A 2xx answer; `attempts` counts the attempts that reached a server (the first included). */
  delivered: { id: string; status: number; attempts: number };
  /**
   * Given up: `reason` is `"rejected"` (a status that is not retried, named in `status`),
   * `"max-attempts"` (10 attempts), `"expired"` (24 hours after the first), `"too-large"` (a
   * payload over 48 KiB), `"outbox-full"` (50 responses or 256 KiB already pending; nothing
   * pending is dropped for it), `"cancelled"` (`beforeSend` returned `null`), `"before-send"`
   * (it threw or rejected) or `"invalid-payload"` (what it returned cannot be written as JSON).
   */
  failed: {
    id: string;
    reason: "rejected" | "max-attempts" | "expired" | "too-large" | "outbox-full" | "cancelled" | "before-send" | "invalid-payload";
    status: number | null;
  };
}
export type EventName = keyof SurveyEvents;

/** What `init` resolves to. */
export interface Survey {
  /** Opens the questionnaire; does nothing for a visitor who is not to be asked. */
  open(): void;
  /** Closes it (popover: the dialog; inline: hides the host). */
  close(): void;
  /** Removes every node, listener and timer it made: the page is as it was before `init`. */
  destroy(): void;
  /** Fires an `{on: "event", name}` trigger. */
  trigger(name: string): void;
  /**
   * Calls `handler(detail)` on each `event`; returns the function that unsubscribes it.
   * @throws {EservqualError} `out-of-range` for an unknown event, `invalid-type` for a handler that is not a function.
   */
  on<E extends EventName>(event: E, handler: (detail: SurveyEvents[E]) => void): () => void;
  /** Frees the wasm side of the object (wasm-bindgen); call after `destroy()` if you like. */
  free(): void;
}

export type Outcome = "nps" | "csat" | "ces" | "satisfaction" | "value" | "loyalty" | "comment";

export type Trigger =
  | { on: "manual" }
  | { on: "load" }
  /** 0 to 86,400,000 ms after the page started loading. */
  | { on: "delay"; ms: number }
  | { on: "exit-intent" }
  /** 0 to 100 percent of the page height. */
  | { on: "scroll"; percent: number }
  /** On the `count`-th page view of the site or later (counted per visitor in localStorage). */
  | { on: "pageviews"; count: number }
  /** When the page calls `survey.trigger(name)`; 1 to 64 characters. */
  | { on: "event"; name: string };

/**
 * `init(config)`: camelCase keys, an unknown key is an error naming it. Only `endpoint` is
 * required.
 */
export interface Config {
  /** `https:` (plain `http:` only for localhost, 127.0.0.1 and [::1]); absolute; no user or password. */
  endpoint: string;
  /** Default `"e-s-qual"`. */
  instrument?: BuiltinInstrument | CustomInstrument;
  /** Default: the instrument's own format. */
  format?: Format;
  /** The deployment's dimension set (e.g. `["EFF", "SYS", "PRI"]`); default all. */
  dimensions?: string[];
  /** With `e-s-qual`: the screening question, then E-RecS-QUAL if needed. Default `true`. */
  recovery?: boolean;
  /** Default `["nps", "comment"]`; asked in the order of this type, on one step. */
  outcomes?: Outcome[];
  /** A 100-point importance allocation (optional for the respondent: 0 or 100). Default `false`. */
  weights?: boolean;
  /** `"en"`, `"zh-CN"`, `"zh-TW"`, or another tag with `strings`; default the browser's best match, else `"en"`. */
  locale?: string;
  /** Overrides any text by its key (`"ui.next"`, `"item.EFF1"`, ...); always rendered as text. */
  strings?: { [key: string]: string };
  /** Default `"popover"`. */
  mode?: "popover" | "inline";
  /**
   * The inline host: a CSS selector or an element (required for inline). The widget appends one
   * `<div data-eservqual>` to it. Inline with a `manual` trigger shows at once; another trigger
   * shows it when it fires.
   */
  target?: string | Dom<"Element">;
  /** A floating launcher button in popover mode. Default `true`. */
  launcher?: boolean;
  /** Default `{on: "manual"}`. */
  trigger?: Trigger;
  /** 0 to 1, default 1: share of visitors asked (the draw is stored per visitor). */
  sampleRate?: number;
  /** Default 90. */
  recontactDays?: number;
  /** Default 14. */
  dismissDays?: number;
  /** Default `true`; a function is called once and may return a Promise. */
  consent?: boolean | (() => boolean | Promise<boolean>);
  /** Default `true`: a visitor with Global Privacy Control on is never asked. */
  respectGpc?: boolean;
  /** Default `true`. */
  showSummary?: boolean;
  /**
   * `accent`, `radius` and `font` are plain CSS values (no `;{}\<>@`, `url()` or image
   * functions). The page can also set `--eservqual-accent`, `--eservqual-radius`,
   * `--eservqual-font` on `[data-eservqual]`.
   */
  theme?: { mode?: "light" | "dark" | "auto"; accent?: string; radius?: string; font?: string };
  /** Extra request headers (a non-safelisted one causes a CORS preflight). */
  headers?: { [name: string]: string };
  /** Last look at the payload: return it (changed or not), `null` to cancel; `undefined` sends it unchanged. */
  beforeSend?: (payload: Payload) => Payload | null | undefined | Promise<Payload | null | undefined>;
  /** 1 to 300,000; default 10,000. */
  timeoutMs?: number;
  site?: string;
  meta?: { [key: string]: string | number | boolean };
  /**
   * Hours a half-finished questionnaire is kept in the visitor's storage to continue after a
   * reload or on another page (0 to 720; default 24; 0: not kept). Only with consent, never
   * under Global Privacy Control; submitting or dismissing clears it.
   */
  resumeHours?: number;
  /**
   * Send the answers of a visitor who leaves half-way (closes the questionnaire, or the page
   * hides) after completing its first step, as a payload with `status: "partial"` under the id
   * the complete response will have; the collector lets the complete one replace it. Default
   * `false`.
   */
  partial?: boolean;
}

/** The response payload `eservqual.response/1` (docs/interfaces.md "Response payload"). */
export interface Payload {
  schema: "eservqual.response/1";
  /** A random UUID v4, the idempotency key. */
  id: string;
  instrument: { id: string; version: string; format: Format; dimensions?: string[] };
  scale: Scale;
  locale: string;
  /** RFC 3339 UTC. */
  submitted_at: string;
  started_at?: string;
  /** `"partial"`: what a visitor who left half-way answered (the `partial` option); absent: complete. */
  status?: "complete" | "partial";
  /** With `status: "partial"`: the step shown as the visitor left (a dimension code, `screen`, `recovery`, `outcomes` or `weights`). */
  step?: string;
  /** Every item of the dimension set with the format's fields; `null` = N/A. */
  answers: { [item: string]: Answer };
  /** `null` when E-RecS-QUAL was not administered. */
  recovery: { [item: string]: { p: number | null } } | null;
  weights?: { [dimension: string]: number };
  outcomes?: Outcomes;
  site?: string;
  /** `location.pathname` only. */
  page?: string;
  meta?: { [key: string]: string | number | boolean };
  scores: Scores;
  sdk: { name: "eservqual"; version: string };
}

/** The package version (semver); `undefined` until the wasm is loaded (`init` or `load`). */
export function version(): string | undefined;

/**
 * Validates and scores one response (docs/scoring.md §2.9). Pure: no DOM, storage or network.
 * @throws {EservqualError} on any invalid input, naming the offending field.
 */
export function score(input: ScoreInput): Scores;

export type Format = "perception" | "gap" | "zone";
export type BuiltinInstrument = "e-s-qual" | "e-recs-qual" | "servqual";

/** A missing or `null` field is "not answered / not applicable". */
export interface Answer {
  p?: number | null;
  e?: number | null;
  min?: number | null;
  des?: number | null;
}

export interface Scale {
  min: number;
  max: number;
}

/** A built-in (or loaded) instrument as a payload names it. */
export interface InstrumentRef {
  id: string;
  version?: string;
  /** Defaults to the instrument's own format when omitted. */
  format?: Format;
  /** The dimension set D when some were switched off; absent = all. */
  dimensions?: string[];
}

/** Text by locale, e.g. `{ en: "...", "zh-CN": "..." }`. */
export type LocalText = { [locale: string]: string };

/** A custom instrument defined inline (schema/instrument). */
export interface CustomInstrument {
  id: string;
  version: string;
  scale: Scale;
  format?: Format;
  name?: LocalText;
  dimensions: Array<{
    code: string;
    name?: LocalText;
    items: Array<{ code: string; text?: LocalText; reverse?: boolean }>;
  }>;
}

export interface Outcomes {
  nps?: number | null;
  csat?: number | null;
  ces?: number | null;
  satisfaction?: number | null;
  value?: Array<number | null> | null;
  loyalty?: Array<number | null> | null;
  comment?: string | null;
}

/**
 * The argument of `score`: the scoring part of a response payload. A whole payload (a
 * `Payload`, e.g. the `submit` event's) is a valid ScoreInput; its other keys (schema, id,
 * locale, submitted_at, started_at, site, page, meta, scores, sdk, status) are read and ignored. Any
 * other top-level key is refused with `unknown-field` naming it, and an object literal may name
 * only the keys here, so that a misspelt one is a type error too. It is read as
 * JSON: plain objects and arrays, numbers, strings, booleans and `null` (`undefined` counts as
 * `null`); a `Map`, `Set`, class instance or function where an object belongs is an
 * `invalid-type` error.
 */
export interface ScoreInput {
  instrument: BuiltinInstrument | string | InstrumentRef | CustomInstrument;
  format?: Format;
  /** The dimension set D (with an instrument id or a custom instrument). */
  dimensions?: string[];
  /** If given, must equal the scale fixed by instrument and format. */
  scale?: Scale;
  answers?: { [item: string]: Answer };
  /** E-RecS-QUAL answers (with `e-s-qual`); `null` when not administered. */
  recovery?: { [item: string]: Answer } | null;
  /** A 100-point importance allocation over the dimension set. */
  weights?: { [dimension: string]: number } | null;
  outcomes?: Outcomes | null;
}

export type Class = "dissatisfied" | "satisfied" | "delighted";
export type NpsCategory = "detractor" | "passive" | "promoter";

/** Per dimension: `p`; gap adds `e`, `gap`; zone adds `msa`, `mss`, `zot`. */
export interface DimensionScores {
  p: number | null;
  e?: number | null;
  gap?: number | null;
  msa?: number | null;
  mss?: number | null;
  zot?: number | null;
}

/** Per item (gap and zone formats only): gap has `gap`; zone has the rest. */
export interface ItemScores {
  gap?: number | null;
  msa?: number | null;
  mss?: number | null;
  zot?: number | null;
  position?: "below" | "within" | "above" | null;
  inverted?: boolean;
}

export interface OverallScores {
  p: number | null;
  p_weighted: number | null;
  gap?: number | null;
  gap_weighted?: number | null;
  msa?: number | null;
  mss?: number | null;
}

export interface RecoveryScores {
  dimensions: { [dimension: string]: { p: number | null } };
  overall: { p: number | null };
}

/** The `scores` object of docs/scoring.md §2.9; keys appear only where the format has them. */
export interface Scores {
  dimensions: { [dimension: string]: DimensionScores };
  items?: { [item: string]: ItemScores };
  overall: OverallScores;
  class: Class | null;
  weakest: string | null;
  nps_category: NpsCategory | null;
  /** Present (possibly `null`) for `e-s-qual` only. */
  recovery?: RecoveryScores | null;
  /** Present only when value or loyalty was asked. */
  outcomes?: { value?: number | null; loyalty?: number | null };
}

/** The stable error codes (kebab-case); new ones may be added, none renamed. */
export type ErrorCode =
  | "invalid-json"
  | "invalid-type"
  | "missing-field"
  | "unknown-field"
  | "out-of-range"
  | "not-integer"
  | "unknown-instrument"
  | "unknown-item"
  | "unknown-dimension"
  | "invalid-format"
  | "wrong-scale"
  | "unsupported-schema"
  | "invalid-id"
  | "invalid-time"
  | "invalid-weights"
  | "invalid-instrument"
  | "wrong-form"
  | "empty"
  /** `init` could not load its wording file, or `score` was called before the wasm was loaded. */
  | "not-loaded";

/** What `score` throws: a real `Error` (`instanceof Error`) with a stable `code`. */
export interface EservqualError extends Error {
  name: "EservqualError";
  code: ErrorCode;
  /** JSON path of the offending field, e.g. `answers.EFF1.p`; `""` for the whole input. */
  field: string;
  message: string;
}

/**
 * The script-tag loader's config: every key of `Config`, and `pages`, which only the loader
 * reads (the module's own `init()` refuses it as an unknown key).
 */
export interface LoaderConfig extends Config {
  /**
   * The pages the widget is on (`data-pages` as a comma-separated list): patterns matched on
   * the whole path (with a hash route `#/…` when the page has one), `*` for any run of
   * characters (`/` included), a leading `!` excluding. An exclude wins; without an include
   * pattern every page is in but the excluded. On a page left out nothing is downloaded; a
   * single-page app's navigation decides again.
   */
  pages?: string[];
}

/**
 * The script-tag loader's Survey: the widget's, or, for a visitor who is not asked (or after a
 * config error), one on which every method does nothing. Calls made before it exists are queued.
 */
export type LoaderSurvey = Pick<Survey, "open" | "close" | "destroy" | "trigger" | "on">;

/**
 * `window.eservqual`, set by the script-tag loader (`embed.js`) as soon as it runs
 * (docs/interfaces.md "Script tag"). Absent on a page without the loader.
 */
export interface EservqualGlobal {
  /** The first Survey (the idle one when the visitor is not asked or the config was refused); never rejects. */
  ready: Promise<LoaderSurvey>;
  /**
   * Starts again with `config` merged over the tag's `data-` attributes (so `endpoint` may come
   * from the tag): the way to pass functions, objects, custom instruments and `pages` as a
   * list. Rejects with an
   * `EservqualError` naming the key, with one console message.
   */
  init(config?: Partial<LoaderConfig>): Promise<LoaderSurvey>;
  /** `consent(true)` lifts `data-consent="false"` and decides again; `false` keeps the visitor unasked. */
  consent(yes: boolean): void;
  open(): void;
  close(): void;
  destroy(): void;
  trigger(name: string): void;
  /** Returns its unsubscribe at once, even before the widget is loaded. */
  on<E extends EventName>(event: E, handler: (detail: SurveyEvents[E]) => void): () => void;
}

declare global {
  /** The script-tag loader's API (`window.eservqual`); `undefined` on a page without `embed.js`. */
  var eservqual: EservqualGlobal | undefined;
}
