-- wrk script for Benchmarks/serve/run.sh: POSTs the payloads listed in $STEPEXPORT_REQUESTS
-- (one "PATH<TAB>PAYLOAD-FILE" per line) in turn; wrk itself counts the non-2xx answers.
local requests = {}

local function read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

function init(args)
  for line in io.lines(os.getenv("STEPEXPORT_REQUESTS")) do
    local path, file = line:match("^(%S+)\t(.+)$")
    if path then
      requests[#requests + 1] = wrk.format("POST", path, { ["Content-Type"] = "application/json" }, read(file))
    end
  end
  counter = 0
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, errors (connect/read/write/timeout) %d/%d/%d/%d\n", summary.requests,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("p%d %.1f ms\n", p, latency:percentile(p) / 1000))
  end
end
