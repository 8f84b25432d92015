-- wrk script for the web load benchmark (reviews/benchmarks/load.py).
--
-- One wrk thread per client, one connection each, every client with its own
-- session cookie (a reviewer who logged in through the login form).
--   LOAD_MODE=queue   the queue page, pages 1 to 5 of the default view in turn
--   LOAD_MODE=review  the review page of the next document waiting for review;
--                     client k opens documents k, k + n, k + 2n, ... of LOAD_IDS
--                     (queue order), so no two clients open the same document and
--                     every request claims a document, as a reviewer's does.
-- LOAD_THINK_MS="500-1500" makes each client wait a random time in that range
-- before its next request (a person reading the page); "0" sends the next
-- request as soon as the last is answered. wrk times each request alone.
-- Any answer but 200 (a redirect to the login page included) counts as an error.
-- done() prints one line of JSON with the latency percentiles in microseconds.

local mode = os.getenv("LOAD_MODE")
local clients = tonumber(os.getenv("LOAD_CLIENTS"))
local think_low, think_high = string.match(os.getenv("LOAD_THINK_MS") or "0", "^(%d+)-?(%d*)$")
think_low = tonumber(think_low)
think_high = tonumber(think_high) or think_low
local threads = {}
local created = 0

local function read_lines(path)
  local out = {}
  for line in io.lines(path) do
    out[#out + 1] = line
  end
  return out
end

function setup(thread)
  created = created + 1
  thread:set("client", created)
  threads[#threads + 1] = thread
end

function init(args)
  cookie = read_lines(os.getenv("LOAD_SESSIONS"))[client]
  responses = 0
  failures = 0
  step = 0
  math.randomseed(client * 7919 + os.time())
  if mode == "review" then
    ids = read_lines(os.getenv("LOAD_IDS"))
  end
end

function request()
  local path
  if mode == "review" then
    local index = client + step * clients
    if index > #ids then
      step = 0
      index = client
    end
    path = "/review/" .. ids[index] .. "/"
  else
    local page = step % 5 + 1
    path = page == 1 and "/queue/" or ("/queue/?page=" .. page)
  end
  step = step + 1
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

function delay()
  if think_high == 0 then
    return 0
  end
  return math.random(think_low, think_high)
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed, answered = 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    answered = answered + thread:get("responses")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "answered": %d, "not_200": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "status_errors": %d}\n',
    summary.requests, answered, failed, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.timeout, e.status))
end
