-- wrk script of the load benchmark (bench/load_bench.py): each wrk thread is one browsing client
-- with one keep-alive connection and its own logged-in session, looping over the page mix.
--
-- Run by load_bench.py as
--   wrk -t N -c N -d 20s -s bench/load_mix.lua http://127.0.0.1:PORT -- SESSIONS_FILE PATHS_FILE
-- SESSIONS_FILE: one "Cookie:" header value per line (sessions logged in beforehand, in order);
-- PATHS_FILE: one line per session, the paths that client loops over, separated by spaces;
-- PAUSE_MS (optional, default 0): how long each client waits after a page before the next one.
-- done() prints one line "RESULT requests=… seconds=… p50_ms=… p95_ms=… p99_ms=… non2xx=… errors=…".

local threads = {}
local counter = 0

local function lines(name)
  local out = {}
  for line in io.lines(name) do
    if line ~= "" then table.insert(out, line) end
  end
  return out
end

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local cookies = lines(args[1])
  local paths = lines(args[2])
  local i = (index % #cookies) + 1
  cookie = cookies[i]
  pages = {}
  for path in string.gmatch(paths[i], "%S+") do table.insert(pages, path) end
  -- Start each client at a different page, as real visitors are not in step.
  position = index % #pages
  pause = tonumber(args[3] or "0")
end

function delay()
  return pause
end

function request()
  position = position + 1
  local path = pages[(position - 1) % #pages + 1]
  return wrk.format("GET", path, { ["Cookie"] = cookie, ["Host"] = "127.0.0.1" })
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, non2xx, errors))
end
