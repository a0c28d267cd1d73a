// Typed use of `eservqual/react` (js/react.d.ts) in JSX, checked by `tsc -p tests/types`
// (scripts/lint.sh) and never run: config keys, handlers with their event's detail, the element
// props; and the `@ts-expect-error` lines that must stay errors.
import { StrictMode, useState } from "react";
import Default, { Eservqual, type EservqualHandlers, type EservqualProps } from "eservqual/react";
import type { EventName, Survey } from "eservqual";

/** `true` only when the two types are the same. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(): T | void {}

// One handler prop per event, and no other: a new event in eservqual.d.ts must get its prop.
assertType<Same<keyof EservqualHandlers, `on${Capitalize<EventName>}`>>();
assertType<Same<typeof Default, typeof Eservqual>>();

export function Checkout({ orderId }: { orderId: string }) {
  const [survey, setSurvey] = useState<Survey | null>(null);
  const [note, setNote] = useState("");
  return (
    <StrictMode>
      <Eservqual
        endpoint="https://collect.example.com/v1/responses"
        mode="inline"
        outcomes={["nps", "comment"]}
        meta={{ order: orderId }}
        theme={{ accent: "#0a7" }}
        consent={() => Promise.resolve(true)}
        beforeSend={(payload) => ({ ...payload, site: "shop" })}
        className="survey"
        style={{ maxWidth: 640 }}
        onReady={setSurvey}
        onAnswer={(d) => setNote(`${d.key} = ${d.value ?? "N/A"}`)}
        onSubmit={(d) => setNote(`class ${d.scores.class}, ${d.payload.id}`)}
        onDelivered={(d) => setNote(`${d.id}: ${d.status} after ${d.attempts}`)}
        onFailed={(d) => setNote(d.reason)}
        onError={(e) => setNote(`${e.code} ${e.field}`)}
      />
      <Eservqual endpoint="https://collect.example.com/v1/responses" trigger={{ on: "event", name: "paid" }} />
      <button type="button" onClick={() => survey?.trigger("paid")}>
        {note}
      </button>
    </StrictMode>
  );
}

export const props: EservqualProps = { endpoint: "https://x.example", mode: "popover", onOpen: () => {} };
// @ts-expect-error: `endpoint` is required
export const noEndpoint = <Eservqual mode="inline" />;
// @ts-expect-error: the component is the inline target
export const withTarget = <Eservqual endpoint="https://x.example" target="#survey" />;
// @ts-expect-error: `mode` is "popover" or "inline"
export const badMode = <Eservqual endpoint="https://x.example" mode="modal" />;
// @ts-expect-error: the detail of `delivered` has no `reason`
export const badDetail = <Eservqual endpoint="https://x.example" onDelivered={(d) => d.reason} />;
// @ts-expect-error: not an event of the Survey
export const badEvent = <Eservqual endpoint="https://x.example" onSubmitted={() => {}} />;
