// Hand-written declarations of the `eservqual` ES module (pkg/eservqual.js). They replace the
// file wasm-bindgen generates and declare only what the module exports today: the wasm loader,
// `score` and `version`. `init(config)` and the Survey widget of INTERFACES.md are not built yet.

/** Where the wasm comes from: a URL, a fetch Response, bytes or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads and instantiates the wasm (default: `eservqual_bg.wasm` beside this module, resolved from
 * `import.meta.url`). Call it once, and await it, before `score` or `version`.
 */
export default function __wbg_init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;

/** Instantiates the wasm synchronously from bytes or a compiled module (worker use). */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;

/** The package version (semver). */
export function version(): string;

/**
 * Validates and scores one response (SCORING.md §2.9). Pure: no DOM, storage or network.
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
 * The argument of `score`: the scoring part of a response payload. A whole payload is a valid
 * ScoreInput; its other keys (schema, id, locale, scores, sdk, ...) are ignored. It is read as
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
  [other: string]: unknown;
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

/** The `scores` object of SCORING.md §2.9; keys appear only where the format has them. */
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
  | "empty";

/** What `score` throws: a real `Error` (`instanceof Error`) with a stable `code`. */
export interface EservqualError extends Error {
  name: "EservqualError";
  code: ErrorCode;
  /** JSON path of the offending field, e.g. `answers.EFF1.p`; `""` for the whole input. */
  field: string;
  message: string;
}
