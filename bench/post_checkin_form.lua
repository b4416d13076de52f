-- wrk script: POST the patient app's check-in form (/app/checkin/review/) as many patients,
-- signed in with a session cookie and a CSRF token, each form a new check-in id.
-- Usage: wrk ... -s bench/post_checkin_form.lua URL -- SESSIONS_FILE
-- SESSIONS_FILE holds "SESSIONID CSRFSECRET" per line. The answers mix as in
-- bench/post_checkin.lua: mostly calm, 1 in 50 a warning symptom, 1 in 50 a fever. Success is
-- the redirect (302) to the done page.
local sessions = {}
local counter = 0
local stamp = 0

function init(args)
  for line in io.lines(args[1]) do
    local sid, csrf = line:match("^(%S+) (%S+)$")
    if sid then sessions[#sessions + 1] = {sid, csrf} end
  end
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
  local session = sessions[(counter % #sessions) + 1]
  local n = counter % 50
  local extra = ""
  if n == 7 then
    extra = "&symptoms=site_redness"
  elseif n == 19 then
    extra = "&temperature_c=38.4"
  end
  local body = string.format("csrfmiddlewaretoken=%s&id=%s&pain_score=%d&notes=%s",
    session[2], uuid(), 2 + math.random(0, 1), extra)
  return wrk.format("POST", nil, {
    ["Cookie"] = "sessionid=" .. session[1] .. "; csrftoken=" .. session[2],
    ["Content-Type"] = "application/x-www-form-urlencoded",
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
