-- Each request is the next line of the file in WRK_REQUESTS (method, path, cookie,
-- CSRF token, body; tab-separated), threads taking every n-th line, so every
-- answer POST stores a new answer. Prints the same JSON line as wrk_report.lua.
local counter, threads = 0, {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  nthreads = counter
  lines, pos = {}, 0
  local i = 0
  for line in io.lines(os.getenv("WRK_REQUESTS")) do
    if i % 2 == id then
      local method, path, cookie, token, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)")
      table.insert(lines, {method, path, cookie, token, body})
    end
    i = i + 1
  end
end

function request()
  pos = pos % #lines + 1
  local r = lines[pos]
  local headers = {["Cookie"] = r[3], ["X-CSRFToken"] = r[4], ["HX-Request"] = "true",
                   ["HX-Target"] = "practice"}
  if r[1] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", r[2], headers, r[5])
  end
  return wrk.format("GET", r[2], {["Cookie"] = r[3]})
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "errors": %d, "requests": %d}\n',
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
      + summary.errors.timeout, summary.requests))
end
