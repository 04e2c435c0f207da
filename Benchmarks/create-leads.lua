-- wrk script: POST /api/v1/lead/ with a lead and two contacts. wrk.format does not add -H headers when
-- given its own, so they are copied in.
local counter = 0

request = function()
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/json"
  local body = string.format(
    '{"name":"Load %d","url":"https://load%d.example","contacts":[' ..
    '{"name":"A %d","emails":[{"type":"office","email":"a%d@load.example"}]},' ..
    '{"name":"B %d","phones":[{"type":"mobile","phone":"+1555%07d"}]}]}',
    counter, counter, counter, counter, counter, counter % 10000000)
  return wrk.format("POST", "/api/v1/lead/", headers, body)
end
