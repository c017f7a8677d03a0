-- One request shape per wrk run, given after `--`:
--   method  path  body  token  ids_file
-- "{id}" in the path is replaced by the next task id from ids_file (round robin);
-- "{n}" in the body by a per-thread counter, so every PATCH really changes the
-- task (an unchanged PATCH is answered without a write). An empty body sends none.
-- done() prints one JSON line, prefixed BENCH_JSON, that bench/wrk.py reads.

local method, path, body, ids, counter

function init(args)
  method, path, body = args[1], args[2], args[3]
  if body == "" then body = nil end
  wrk.headers["Authorization"] = "Bearer " .. args[4]
  if body then wrk.headers["Content-Type"] = "application/json" end
  ids = {}
  if args[5] and args[5] ~= "" then
    for line in io.lines(args[5]) do
      if line ~= "" then ids[#ids + 1] = line end
    end
  end
  counter = 0
end

function request()
  counter = counter + 1
  local target = path
  if #ids > 0 then
    target = (path:gsub("{id}", ids[counter % #ids + 1]))
  end
  local payload = body and (body:gsub("{n}", tostring(counter))) or nil
  return wrk.format(method, target, nil, payload)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
