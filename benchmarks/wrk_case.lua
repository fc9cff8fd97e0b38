-- One benchmark case for benchmarks/run.py: send METHOD with each Accept-Language value
-- of VALUES_FILE in turn (one value = the same request every time), plus extra headers,
-- and print the summary as one line of JSON. A line "PATH<tab>VALUE" also names the path
-- (requests that rotate over many articles); a line with a value alone uses URL's path.
-- Usage: wrk ... -s wrk_case.lua URL -- METHOD VALUES_FILE [NAME VALUE]...

local requests = {}
local next_request = 0

function init(args)
  local headers = {}
  for index = 3, #args, 2 do
    headers[args[index]] = args[index + 1]
  end
  -- Every request is formatted up front, so the client spends no time per request.
  for line in io.lines(args[2]) do
    local path, value = line:match("^([^\t]*)\t(.*)$")
    headers["Accept-Language"] = value or line
    requests[#requests + 1] = wrk.format(args[1], path, headers)
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
