-- HTTP/1.1 pipelining for wrk 4.x: every write carries DEPTH copies of the request.
--
--   wrk -t1 -c64 -d10s --latency -s bench/wrk/pipeline.lua http://127.0.0.1:PORT/plaintext -- 16 64
--                                            script arguments: DEPTH (default 16) CONNECTIONS --^
--
-- With DEPTH 1 the script leaves wrk's request generation alone (plain keep-alive, exactly what wrk
-- does without a script) and only adds the latency line of done() below.
--
-- wrk counts every response in "Requests/sec" but records ONE latency sample per batch (from the
-- write of the batch to its last response), so latencies here are per batch of DEPTH requests.
--
-- After the run wrk "corrects" its latency histogram for coordinated omission: for every sample
-- of at least 2E it adds synthetic samples at sample-E, sample-2E, ... down to E, where
-- E = duration / (responses / connections). With pipelining E counts responses, not batches, so it is
-- DEPTH times too small, and the synthetic samples fall below the smallest real one, where wrk's
-- percentile loop never looks (its 75%..99% lines print 0.00us). Without pipelining the correction
-- turns any stall of the client or the server (e.g. the kernel's RT throttling, see bench/README.md)
-- into many synthetic samples that dominate p99. done() undoes the correction exactly (for m > E the
-- corrected histogram is c[m] = o[m] + c[m+E], so o[m] = c[m] - c[m+E]) and prints the percentiles
-- of the samples wrk really recorded:
--   Per-batch latency (uncorrected): batches N, p50 Xus, p90 Yus, p99 Zus, max Wus
-- For this the script needs the connection count (-c) as its second argument.

local threads = {}
local req

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  -- wrk passes the URL as args[0]; the arguments after "--" are args[1], args[2], ...
  local depth = tonumber(args[1]) or 16
  wrk.thread:set("connections", tonumber(args[2]) or 0)
  if depth <= 1 then
    request = nil -- no request() function: wrk sends its own static request, as without a script
    return
  end
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format()
  end
  req = table.concat(r)
end

request = function()
  return req
end

done = function(summary, latency, requests)
  local conns = threads[1] and tonumber(threads[1]:get("connections")) or 0
  if conns <= 0 then
    io.write("pipeline.lua: no connection count given (second script argument): no per-batch percentiles\n")
    return
  end
  local per_conn = math.floor(summary.requests / conns)
  if per_conn == 0 or #latency == 0 then
    return
  end
  local E = math.floor(summary.duration / per_conn) -- wrk.c: runtime_us / (complete / connections)
  if E < 1 then
    E = math.huge -- (wrk would not have finished its correction either)
  end

  -- wrk's corrected histogram c[] is read bucket by bucket in ascending order: latency(i) is the i-th
  -- non-empty bucket (value in us, count), and each call scans from the minimum, so the loop stops
  -- as soon as it has what it needs instead of walking the (synthetic-sample-filled) tail.
  -- Real samples: o[m] = c[m] for m <= E, o[m] = c[m] - c[m+E] for m > E. Only buckets from
  -- latency.min up are visible (the synthetic samples below it are what breaks wrk's percentiles).
  -- The number of real samples telescopes along each chain m, m+E, m+2E, ...: with
  -- L = max(E+1, min), it is the sum of the visible c[m] for m < L+E.
  local n = #latency
  local vals, cnt = {}, {}
  local read = 0
  local function read_until(limit) -- read buckets while their value <= limit; false when exhausted
    while read < n do
      if vals[read] and vals[read] > limit then
        return true
      end
      read = read + 1
      local v, c = latency(read)
      vals[read], cnt[v] = v, c
    end
    return false
  end
  local last = math.max(E + 1, latency.min) + E - 1
  read_until(last)
  local total = 0
  for i = 1, read do
    local v = vals[i]
    if v <= last then
      total = total + cnt[v]
    end
  end
  if total == 0 then
    return
  end

  local wanted = { 50, 90, 99 }
  local ranks, result = {}, {}
  for k, p in ipairs(wanted) do
    ranks[k] = math.floor(p / 100 * total + 1.0) -- wrk: round(p/100 * count + 0.5)
  end
  local acc, k, i = 0, 1, 0
  while k <= #wanted do
    i = i + 1
    if i > read then
      if not read_until(vals[read] or 0) then -- extends by one bucket
        if i > read then
          break
        end
      end
    end
    local v = vals[i]
    local o = cnt[v]
    if v > E then
      read_until(v + E) -- c[v+E] is known once every bucket <= v+E has been read
      o = o - (cnt[v + E] or 0)
    end
    acc = acc + o
    while k <= #wanted and acc >= ranks[k] do
      result[k] = v
      k = k + 1
    end
  end
  for j = k, #wanted do
    result[j] = latency.max
  end

  io.write(string.format("Per-batch latency (uncorrected): batches %d, p50 %dus, p90 %dus, p99 %dus, max %dus\n",
    total, result[1], result[2], result[3], latency.max))
end
