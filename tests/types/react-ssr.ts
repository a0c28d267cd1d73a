// `eservqual/react` in a server-side build without the DOM library (tsconfig.ssr.json): its
// declarations type-check there and the element a server renders can be made. Never run.
import { createElement, type ReactElement } from "react";
import { Eservqual, type EservqualProps } from "eservqual/react";

const props: EservqualProps = {
  endpoint: "https://collect.example.com/v1/responses",
  mode: "inline",
  className: "survey",
  onDelivered: (d) => void d.status,
};
export const element: ReactElement = createElement(Eservqual, props);
