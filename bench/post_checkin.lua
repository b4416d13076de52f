-- wrk script: POST check-ins as many patients, each body unique (a fresh client UUID).
-- Usage: wrk ... -s bench/post_checkin.lua URL -- TOKENS_FILE
-- TOKENS_FILE holds one patient JWT per line. Most check-ins are calm; a few carry symptoms
-- so the rules fire (and, for urgent ones, the alert's emails are queued) as in real use; the
-- pain stays low and steady (2-3) so the pain rules fire only where the seeded history says so.
local tokens = {}
local counter = 0
local stamp = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  -- Distinct per wrk thread and per run, so two runs never reuse an id.
  stamp = os.time() % 100000000
  math.randomseed(stamp + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 1000)
  counter = math.random(0, 1000000) * 1000
end

local function uuid()
  counter = counter + 1
  return string.format("%08x-%04x-4%03x-8%03x-%012x",
    stamp, math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff), counter)
end

function request()
  local token = tokens[(counter % #tokens) + 1]
  local n = counter % 50
  local symptoms = "[]"
  local temperature = ""
  if n == 7 then
    symptoms = '["site_redness"]'
  elseif n == 19 then
    temperature = ',"temperature_c":38.4'
  end
  local body = string.format('{"id":"%s","pain_score":%d,"symptoms":%s%s}',
    uuid(), 2 + math.random(0, 1), symptoms, temperature)
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%d,' ..
    '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
