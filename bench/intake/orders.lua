-- wrk script: each request posts a new two-line order (unique channelOrderId per thread and
-- request) over the skus bench/intake/run seeds.
local counter = 0
local thread_id = 0
local skus = tonumber(os.getenv("SKUS") or "2000")
-- PREFIX starts each channelOrderId (phases tell their orders apart); DELAY_MS paces each
-- connection (wrk waits that long before its next request).
local prefix = os.getenv("PREFIX") or "W"
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
-- BENCH_KEY: the API key sent with every order (bench/intake/run starts the hub with it).
local headers = {["Content-Type"] = "application/json"}
if os.getenv("BENCH_KEY") then headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY") end

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function request()
  counter = counter + 1
  local n = counter
  local a = (n * 13 + tid) % skus
  local b = (n * 7 + tid * 3) % skus
  local body = string.format('{"channelOrderId":"%s%d-%d","placedAt":"2026-11-26T09:30:00Z",'
    .. '"shipBy":"2026-11-28T17:00:00Z","currency":"EUR",'
    .. '"shipTo":{"name":"Ada","line1":"Keizersgracht 1","city":"Amsterdam","postalCode":"1015 CJ","country":"NL"},'
    .. '"lines":[{"lineId":"1","sku":"IN-%d","qty":1,"unitPrice":19.95},{"lineId":"2","sku":"IN-%d","qty":2,"unitPrice":5}]}',
    prefix, tid, n, a, b)
  return wrk.format("POST", "/api/channels/webshop/orders", headers, body)
end

function delay()
  return delay_ms
end
