-- wrk script: lead searches over the leads seed_leads.py / seed_postgres.sh write ("Company N", contacts
-- "Person N-k" with p<k>@companyN.example). CLOSR_BENCH_WORDS=1: one word that finds one lead's
-- documents (companyN); 5: five words, some rare, some in every document (companyN person N example N-0).
-- CLOSR_BENCH_LEADS: how many leads were seeded. The Authorization header comes from wrk's -H.
local words = tonumber(os.getenv("CLOSR_BENCH_WORDS") or "1")
local leads = tonumber(os.getenv("CLOSR_BENCH_LEADS") or "1000")

init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

request = function()
  local n = math.random(0, leads - 1)
  local query
  if words == 1 then
    query = "company" .. n
  else
    query = "company" .. n .. "+person+" .. n .. "+example+" .. n .. "-0"
  end
  return wrk.format("GET", "/api/v1/lead/?_limit=25&query=" .. query)
end
