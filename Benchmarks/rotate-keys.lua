-- wrk script: each request carries the next Authorization header from $CLOSR_BENCH_HEADERS (one per
-- line), so load is spread over many API keys; the path is wrk's URL path. Requests are formatted once
-- at start, so the script costs the load generator (which shares the machine) next to nothing.
local requests = {}
local counter = 0

init = function(args)
  for line in io.lines(os.getenv("CLOSR_BENCH_HEADERS")) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("GET", nil, { ["Authorization"] = line })
    end
  end
  counter = math.random(#requests)
end

request = function()
  counter = counter % #requests + 1
  return requests[counter]
end
