// Hand-written declarations of `eservqual/react` (pkg/react.mjs), the React component
// (docs/interfaces.md "React"). The types of React come from the app's own `@types/react`.
import type { CSSProperties, ReactElement } from "react";
import type { Config, EservqualError, EventName, Survey, SurveyEvents } from "./eservqual.js";

/** `onOpen`, `onClose`, `onAnswer`, `onSubmit`, `onQueued`, `onDelivered`, `onFailed`: `Survey.on` of each event. */
export type EservqualHandlers = {
  [E in EventName as `on${Capitalize<E>}`]?: (detail: SurveyEvents[E]) => void;
};

/**
 * Every key of `init`'s config but `target` (inline, the component's own element is the
 * target), the event handlers, and the rendered element's `id`, `className` and `style`.
 */
export type EservqualProps = Omit<Config, "target"> &
  EservqualHandlers & {
    /** The Survey, once made (again after each re-creation): for `open()`, `trigger(name)`... */
    onReady?: (survey: Survey) => void;
    /** `init` refused the config (it has written its console message too). */
    onError?: (error: EservqualError) => void;
    id?: string;
    className?: string;
    style?: CSSProperties;
  };

/**
 * The widget: `init` after mount, `destroy` on unmount, and both again when the config changes
 * by value (a new object or function of equal value does not re-create it). Inline, renders the
 * `<div>` the widget is put in; a popover renders nothing.
 */
export function Eservqual(props: EservqualProps): ReactElement | null;
export default Eservqual;
