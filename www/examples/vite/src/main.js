// An app's whole integration: import, init, listen.
import { init } from "eservqual";

const status = document.querySelector("#status");
try {
  const survey = await init({
    endpoint: new URL("/v1/responses", location.href).href,
    mode: "inline",
    target: "#survey",
    outcomes: ["nps", "comment"],
  });
  survey.on("delivered", () => (status.textContent = "Thank you, your answers were sent."));
  document.documentElement.dataset.ready = "true";
} catch (err) {
  status.textContent = `The questionnaire could not start: ${err.message}`;
}
