-- wrk script for BENCHMARKS.md §4: POSTs one valid e-s-qual payload per request, each with its
-- own UUID v4 (the collector stores a repeated id only once, so every request must be new).
-- Usage: wrk -s bench/ingest.lua URL -- PAYLOAD_FILE SALT
-- The template payload is a real one (scores from the core); only its "id" is replaced.
-- done() prints one JSON line (prefixed "RESULT ") with the counts and the latency percentiles.

local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

local head, tail, salt
local n = 0
created, duplicate, other = 0, 0, 0

function init(args)
  local f = assert(io.open(args[1], "r"))
  local text = f:read("*a"):gsub("%s+$", "")
  f:close()
  local s, e = text:find('"id":"', 1, true)
  assert(s, "the payload has no id")
  head = text:sub(1, e)
  tail = text:sub(e + 37)
  salt = tonumber(args[2]) % 0x10000
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
end

function request()
  n = n + 1
  -- xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx: the counter, the thread and the run's salt.
  local id = string.format("%08x-%04x-4%03x-8%03x-%012x", n % 0x100000000, salt, tid % 0x1000, 0, n)
  return wrk.format("POST", "/v1/responses", nil, head .. id .. tail)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 200 then
    duplicate = duplicate + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, d, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    d = d + t:get("duplicate")
    o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "created": %d, "duplicate": %d, "other_status": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, c, d, o, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
