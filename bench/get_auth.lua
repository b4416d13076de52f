-- wrk script: GET with one clinician's JWT. Usage: wrk ... -s bench/get_auth.lua URL -- TOKEN
local token = ""

function init(args)
  token = args[1]
end

function request()
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. token})
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%d,' ..
    '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
