-- wrk script: the MCP tool call fetch_lead over Streamable HTTP (POST /mcp, one JSON-RPC tools/call per
-- request) over the lead ids in $CLOSR_BENCH_IDS (one per line), formatted once at start; the key comes
-- from wrk's -H. The same ids, in the same order, as get-leads.lua reads them.
local requests = {}
local counter = 0

init = function(args)
  -- wrk.format takes these in place of wrk.headers (the -H ones), so they are copied in.
  local headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json, text/event-stream"}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  local n = 0
  for id in io.lines(os.getenv("CLOSR_BENCH_IDS")) do
    if #id > 0 then
      n = n + 1
      local body = '{"jsonrpc":"2.0","id":' .. n .. ',"method":"tools/call","params":{"name":"fetch_lead","arguments":{"id":"' .. id .. '"}}}'
      requests[#requests + 1] = wrk.format("POST", "/mcp", headers, body)
    end
  end
  counter = math.random(#requests)
end

request = function()
  counter = counter % #requests + 1
  return requests[counter]
end

-- A tool error is a 200 too: count answers that are not a successful tool result as errors.
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"isError":false', 1, true) then
    wrk.thread:stop()
  end
end
