// A receiver that misbehaves on command, on a real loopback socket, for the delivery tests. It
// serves the built package and a test page, and takes POSTed payloads at /collect, answering
// each with the next step of its plan: "ok" (200, kept once per id), "500", "503", "400",
// "429s:N" (Retry-After N seconds), "429d:N" (Retry-After an HTTP-date N seconds ahead),
// "hang" (never answers; the socket stays open until the client gives up) or "reset" (the
// connection is destroyed). An empty plan answers "ok", or "503" with probability `flaky`.
// It counts every request and every 2xx receipt per id: what the fault matrix reports.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join, normalize } from "node:path";

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html; charset=utf-8" };

/** Starts the receiver on a free port; `pages` maps a path ("/t.html") to its text. */
export async function faultServer(root, pages = {}) {
  const state = {
    plan: [],
    flaky: 0,
    /** id → answers with a 2xx. */
    receipts: new Map(),
    /** id → every request that carried it, whatever was answered. */
    requests: new Map(),
    /** The kept payloads, one per id. */
    stored: new Map(),
    /** id → the arrival time (ms) of each request that carried it. */
    times: new Map(),
    /** Every distinct Content-Type of the POSTs, and how many carried a Cookie header. */
    contentTypes: new Set(),
    cookies: 0,
    /** Requests whose body was not a payload with an id. */
    unreadable: 0,
  };
  const sockets = new Set();
  /** Sockets of requests left hanging: closed by `reset()`. */
  const hung = new Set();
  const cors = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "content-type",
    "access-control-expose-headers": "Retry-After",
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    if (req.method === "POST" && url.pathname === "/collect") {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (d) => (body += d));
      req.on("end", () => answer(body, req, res));
      return;
    }
    const page = pages[url.pathname];
    if (page !== undefined) {
      res.writeHead(200, { "content-type": TYPES[url.pathname.slice(url.pathname.lastIndexOf("."))] || "text/plain", "cache-control": "no-store" });
      res.end(page);
      return;
    }
    if (url.pathname.startsWith("/pkg/")) {
      const file = normalize(join(root, url.pathname));
      if (file.startsWith(join(root, "pkg"))) {
        try {
          const data = readFileSync(file);
          res.writeHead(200, { "content-type": TYPES[file.slice(file.lastIndexOf("."))] || "application/octet-stream" });
          res.end(data);
          return;
        } catch {}
      }
    }
    res.writeHead(404).end();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  function answer(body, req, res) {
    let id = null;
    try {
      id = JSON.parse(body).id;
    } catch {}
    if (typeof id !== "string") {
      state.unreadable += 1;
      res.writeHead(400, cors).end("no id");
      return;
    }
    state.requests.set(id, (state.requests.get(id) || 0) + 1);
    state.times.set(id, [...(state.times.get(id) || []), Date.now()]);
    state.contentTypes.add(req.headers["content-type"]);
    if (req.headers.cookie) state.cookies += 1;
    const step = state.plan.length ? state.plan.shift() : Math.random() < state.flaky ? "503" : "ok";
    const [kind, arg] = step.split(":");
    if (kind === "hang") {
      hung.add(req.socket);
      return;
    }
    if (kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (kind === "ok") {
      state.receipts.set(id, (state.receipts.get(id) || 0) + 1);
      if (!state.stored.has(id)) state.stored.set(id, body);
      res.writeHead(200, { ...cors, "content-type": "application/json" }).end('{"stored":true}');
      return;
    }
    if (kind === "429s") {
      res.writeHead(429, { ...cors, "retry-after": arg }).end();
      return;
    }
    if (kind === "429d") {
      res.writeHead(429, { ...cors, "retry-after": new Date(Date.now() + Number(arg) * 1000).toUTCString() }).end();
      return;
    }
    res.writeHead(Number(kind), cors).end();
  }

  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  return {
    state,
    port,
    /** The pages served: filled in by the caller once it knows the endpoint. */
    pages,
    /** The page origin (127.0.0.1) and the endpoint on another origin (localhost): CORS applies. */
    origin: `http://127.0.0.1:${port}`,
    endpoint: `http://localhost:${port}/collect`,
    /** Requests held without an answer whose connection is still open. */
    hanging: () => [...hung].filter((s) => !s.destroyed).length,
    reset() {
      for (const s of hung) s.destroy();
      hung.clear();
      state.plan = [];
      state.flaky = 0;
      state.receipts.clear();
      state.requests.clear();
      state.stored.clear();
      state.times.clear();
      state.contentTypes.clear();
      state.cookies = 0;
      state.unreadable = 0;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
