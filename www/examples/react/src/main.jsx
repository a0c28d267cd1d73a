// A React app's whole integration: the component, its config as props, handlers for the
// events. Rendered in StrictMode, whose double mount still leaves one widget.
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { Eservqual } from "eservqual/react";

function App() {
  const [shown, setShown] = useState(true);
  const [locale, setLocale] = useState("en");
  const [answered, setAnswered] = useState(0);
  const [status, setStatus] = useState("");
  // Every answer re-renders the app, and so the component with a new `outcomes` array, `meta`
  // object and handlers of equal value: the widget stays as it is. A new locale re-creates it.
  return (
    <main>
      <h1>Your order is on its way</h1>
      <p>
        This page is a React app that installed <code>eservqual</code> from npm (the packed tarball)
        and renders <code>&lt;Eservqual mode="inline" /&gt;</code> below.
      </p>
      <p>
        <label>
          Language{" "}
          <select value={locale} onChange={(e) => setLocale(e.target.value)}>
            <option value="en">English</option>
            <option value="zh-CN">简体中文</option>
          </select>
        </label>{" "}
        <button type="button" onClick={() => setShown(!shown)}>
          {shown ? "Hide the questionnaire" : "Show the questionnaire"}
        </button>
      </p>
      {shown && (
        <Eservqual
          endpoint={new URL("/v1/responses", location.href).href}
          mode="inline"
          locale={locale}
          outcomes={["nps", "comment"]}
          meta={{ app: "react-example" }}
          id="survey"
          onReady={() => (document.documentElement.dataset.ready = locale)}
          onAnswer={() => setAnswered((n) => n + 1)}
          onDelivered={() => setStatus("Thank you, your answers were sent.")}
          onFailed={(d) => setStatus(`Your answers could not be sent (${d.reason}).`)}
          onError={(err) => setStatus(`The questionnaire could not start: ${err.message}`)}
        />
      )}
      <p id="answered">{answered} answers given</p>
      <p id="status" role="status">
        {status}
      </p>
    </main>
  );
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
