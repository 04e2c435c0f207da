-- wrk script: POST /api/leads/inbound, a web form's post with a new email in every request (dedupe by
-- email is on by default: a repeated email would attach to an existing lead instead of creating one).
-- An email is <run tag>-<wrk thread>-<counter>@inbound.example: the tag comes from $CLOSR_BENCH_TAG (the
-- shell script passes a new one for each wrk run, warm-up included) or else from /dev/urandom, the
-- thread number from setup(). The x-api-key header comes from wrk's -H; wrk.format does not add -H
-- headers when given its own, so they are copied in.
-- Environment: CLOSR_BENCH_FORMAT=json (default) or urlencoded; CLOSR_BENCH_DEDUPE=false adds
-- "_dedupe": "false" to the body (no email lookup, no per-email serialisation).
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
local tag
local format = os.getenv("CLOSR_BENCH_FORMAT") or "json"
local dedupe_off = os.getenv("CLOSR_BENCH_DEDUPE") == "false"

local function random_tag()
  local f = io.open("/dev/urandom", "rb")
  local bytes = f:read(6)
  f:close()
  return (bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

init = function(args)
  tag = os.getenv("CLOSR_BENCH_TAG") or random_tag()
end

request = function()
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  local email = string.format("%s-%d-%d@inbound.example", tag, thread_number or 0, counter)
  local phone = string.format("+1555%07d", counter % 10000000)
  local body
  if format == "urlencoded" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = string.format(
      "first_name=Ada&last_name=Load%%20%d&email=%s&phone=%%2B%s&company=Load%%20Co%%20%d" ..
      "&message=Please%%20call%%20me%%20back%%20about%%20pricing.&utm_source=google%s",
      counter, email:gsub("@", "%%40"), phone:sub(2), counter, dedupe_off and "&_dedupe=false" or "")
  else
    headers["Content-Type"] = "application/json"
    body = string.format(
      '{"first_name":"Ada","last_name":"Load %d","email":"%s","phone":"%s","company":"Load Co %d",' ..
      '"message":"Please call me back about pricing.","utm_source":"google"%s}',
      counter, email, phone, counter, dedupe_off and ',"_dedupe":"false"' or "")
  end
  return wrk.format("POST", "/api/leads/inbound", headers, body)
end
