-- The "validated" scenario for wrk 4.x: every request is POST <url> with the JSON order of
-- bench/wrk/order.json (191 bytes) as its body, Content-Type application/json.
--
--   wrk -t1 -c64 -d10s --latency -s bench/wrk/validated.lua http://127.0.0.1:PORT/validated/42 -- 1 64
--                                             script arguments: DEPTH (1: keep-alive) CONNECTIONS --^
--
-- Everything else -- pipelining DEPTH requests per write when DEPTH > 1, and the per-batch latency
-- percentiles without wrk's coordinated-omission correction -- is bench/wrk/pipeline.lua's, which this
-- script loads after setting the method, the body and the header (wrk.format() builds the request
-- from them in both of pipeline.lua's modes).

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local f = assert(io.open(dir .. "order.json", "rb"))
local body = f:read("*a")
f:close()
assert(#body > 0, "bench/wrk/order.json is empty")

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

dofile(dir .. "pipeline.lua")
