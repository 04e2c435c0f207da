-- wrk script: GET /api/v1/lead/<id>/ over the lead ids in $CLOSR_BENCH_IDS (one per line), formatted
-- once at start; the Authorization header comes from wrk's -H.
local requests = {}
local counter = 0

init = function(args)
  for id in io.lines(os.getenv("CLOSR_BENCH_IDS")) do
    if #id > 0 then requests[#requests + 1] = wrk.format("GET", "/api/v1/lead/" .. id .. "/") end
  end
  counter = math.random(#requests)
end

request = function()
  counter = counter % #requests + 1
  return requests[counter]
end
