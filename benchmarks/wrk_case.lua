-- One benchmark case for benchmarks/run.py: send METHOD with each Accept-Language value
-- of VALUES_FILE in turn (one value = the same request every time), plus extra headers,
-- and print the summary as one line of JSON.
-- Usage: wrk ... -s wrk_case.lua URL -- METHOD VALUES_FILE [NAME VALUE]...

local requests = {}
local next_request = 0

function init(args)
  local headers = {}
  for index = 3, #args, 2 do
    headers[args[index]] = args[index + 1]
  end
  -- Every request is formatted up front, so the client spends no time per request.
  for value in io.lines(args[2]) do
    headers["Accept-Language"] = value
    requests[#requests + 1] = wrk.format(args[1], nil, headers)
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
