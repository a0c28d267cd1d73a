// The npm-module way in: import the ES module and render the questionnaire inline.
import { init } from "/pkg/eservqual.js";

const survey = await init({
  endpoint: new URL("/v1/responses", location.href).href,
  mode: "inline",
  target: "#survey",
  instrument: "e-s-qual",
  outcomes: ["nps", "satisfaction", "comment"],
  weights: true,
});
survey.on("submit", ({ scores }) => console.info("eservqual scores", scores));
