-- The GCRA of `gcra.rs`, run atomically in Redis on Redis's clock (`TIME`).
-- KEYS[1]: the bucket (a hash: tat, closed, in microseconds).
-- ARGV[1]: operation: "reserve", "remaining" or "close".
-- ARGV[2], ARGV[3]: interval and tolerance (microseconds).
-- ARGV[4]: reserve: the longest wait the caller accepts; remaining: the calls
--          the server says are left; close: how long nothing may start.
-- ARGV[5]: remaining: when the server's window reopens, from now.
-- Returns {wait, taken (1 or 0), remaining} for "reserve", {} otherwise.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tat', 'closed')
local tat = tonumber(state[1]) or 0
local closed = tonumber(state[2]) or 0
local result = {}
local op = ARGV[1]
if op == 'reserve' then
  local start = math.max(now, closed)
  local next_tat = math.max(tat, start) + interval
  local slot = math.max(next_tat - tolerance, start)
  local wait = slot - now
  local remaining = math.floor((tolerance - (next_tat - slot)) / interval)
  local taken = 0
  if wait <= tonumber(ARGV[4]) then
    tat = next_tat
    taken = 1
  end
  result = {wait, taken, remaining}
elseif op == 'remaining' then
  local left = tonumber(ARGV[4])
  if left <= 0 then
    closed = math.max(closed, now + tonumber(ARGV[5]))
  else
    tat = math.max(tat, now + tolerance - left * interval)
  end
elseif op == 'close' then
  closed = math.max(closed, now + tonumber(ARGV[4]))
else
  return redis.error_reply('unknown operation ' .. op)
end
-- '%.0f': every digit (a bare number could be written as 1.7e+15).
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat), 'closed', string.format('%.0f', closed))
-- Forgotten once full and open again: an idle bucket costs nothing.
local idle_ms = math.ceil((math.max(tat, closed) - now) / 1000) + 1000
redis.call('PEXPIRE', KEYS[1], idle_ms)
return result
