// The package in a server-side build without the DOM library (tsconfig.ssr.json: `"lib":
// ["es2022"]`, no `skipLibCheck`): the declarations must type-check there, and `score`, `load`
// and `version` be usable, as in Node with the wasm's bytes. Checked by `tsc -p
// tests/types/tsconfig.ssr.json` (scripts/lint.sh), never run.
import load, { score, version, type EservqualError, type ScoreInput, type Scores } from "eservqual";

declare const wasmBytes: Uint8Array;

export async function scoreOnTheServer(input: ScoreInput): Promise<Scores | string> {
  await load(wasmBytes);
  await load(new ArrayBuffer(8));
  const v: string | undefined = version();
  try {
    return score(input);
  } catch (e) {
    const err = e as EservqualError;
    return `${v} ${err.code} ${err.field}: ${err.message}`;
  }
}

// @ts-expect-error: a misspelt top-level key is an excess property here too
score({ instrument: "e-s-qual", answer: {} });
