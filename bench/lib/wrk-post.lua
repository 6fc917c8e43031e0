-- wrk script: POST one AdmissionReview body over and over (HTTP/1.1 keep-alive).
--   BODY=<file>   the review to send (Content-Type: application/json)
--   MAX=<n>       stop each thread after n responses (bounds the run in count; -d bounds it in time)
-- Prints one line "WRKJSON {...}" with requests, duration, errors and latency percentiles (microseconds).

local path = os.getenv("BODY")
local f = assert(io.open(path, "rb"), "BODY must name a readable file")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

local max = tonumber(os.getenv("MAX") or "0")
local seen = 0

function response(status, headers, body)
  seen = seen + 1
  if max > 0 and seen >= max then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
