// `eservqual/react` (pkg/react.mjs): the widget as a React component. Plain JS with
// React.createElement (no JSX, no build step); React is the app's (a peer dependency), never
// bundled. Rendering touches no browser global, so it is safe in a server render: `init` runs
// only in an effect, on the client. Only an app that imports this file loads it; the widget's
// module, wasm and loader are the same with or without it.
import { createElement, useEffect, useRef } from "react";
import { init } from "./eservqual.js";

/** The Survey events and the prop that receives each (`onSubmit` for "submit", ...). */
const EVENTS = ["open", "close", "answer", "submit", "queued", "delivered", "failed"];
const handlerProp = (event) => "on" + event[0].toUpperCase() + event.slice(1);

/** Props of the rendered element, not of the widget's config. */
const ELEMENT_PROPS = new Set(["id", "className", "style"]);

/** Everything but the element's props, the handlers (`on…`) and what React passes itself. */
function configOf(props) {
  const config = {};
  for (const [key, value] of Object.entries(props)) {
    if (ELEMENT_PROPS.has(key) || /^on[A-Z]/.test(key) || key === "children" || key === "ref" || value === undefined) continue;
    config[key] = value;
  }
  return config;
}

/**
 * The config as a string that is equal exactly when the configs are equal by value: object keys
 * sorted, a function written as its key alone (the widget calls the latest one, below), so an
 * inline object literal or arrow function does not re-create the widget on every render.
 */
function keyOf(config) {
  return JSON.stringify(config, (_, value) => {
    if (typeof value === "function") return "\u0000function";
    if (value && typeof value === "object" && !Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]));
    }
    return value;
  });
}

/**
 * `<Eservqual endpoint="…" mode="inline" onDelivered={…} />`: every config key of `init` is a
 * prop. The widget is created after mount (`init`), destroyed on unmount, and destroyed and
 * created again when the config changes by value. Inline, it renders a `<div>` (with `id`,
 * `className`, `style`) that is the widget's target; a popover renders nothing.
 */
export function Eservqual(props) {
  const target = useRef(null);
  // The latest props, for handlers and config functions called after the render that gave them.
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });
  const config = configOf(props);
  const key = keyOf(config);

  useEffect(() => {
    let survey = null;
    let gone = false;
    const config = configOf(latest.current);
    // A function in the config (consent, beforeSend) is called through the latest props, so a
    // new function each render neither re-creates the widget nor runs a stale one.
    for (const [k, value] of Object.entries(config)) {
      if (typeof value === "function") config[k] = (...args) => latest.current[k](...args);
    }
    if (config.mode === "inline") config.target = target.current;
    // Started a microtask later: StrictMode's mount, unmount and mount again run in one go, so
    // the first mount is gone before it calls init, and only one widget is ever made.
    Promise.resolve()
      .then(() => (gone ? null : init(config)))
      .then(
        (made) => {
          if (!made) return;
          // Unmounted (or the config changed) while init was running.
          if (gone) return made.destroy();
          survey = made;
          for (const event of EVENTS) made.on(event, (detail) => latest.current[handlerProp(event)]?.(detail));
          latest.current.onReady?.(made);
        },
        (err) => {
          // init has written its one console message; the app may show its own.
          if (!gone) latest.current.onError?.(err);
        },
      );
    return () => {
      gone = true;
      survey?.destroy();
      survey = null;
    };
  }, [key]);

  if (config.mode !== "inline") return null;
  return createElement("div", { ref: target, id: props.id, className: props.className, style: props.style });
}

export default Eservqual;
