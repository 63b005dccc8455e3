-- Prints one JSON line: requests/s and latency percentiles in ms.
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "errors": %d, "requests": %d}\n',
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
      + summary.errors.timeout, summary.requests))
end
