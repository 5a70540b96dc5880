-- The GCRA of `gcra.rs`, run atomically in Redis on Redis's clock (`TIME`).
-- KEYS[1]: the bucket (a hash: tat, tat_day, closed, credits, credits_until;
--          times in microseconds).
-- ARGV[1]: operation: "reserve", "remaining", "close", "day_remaining" or
--          "credits".
-- ARGV[2], ARGV[3]: interval and tolerance (microseconds).
-- ARGV[4]: reserve: the longest wait the caller accepts; remaining and
--          day_remaining: the calls the server says are left; close: how long
--          nothing may start; credits: the balance the server reports.
-- ARGV[5]: remaining: when the server's window reopens, from now.
-- ARGV[6], ARGV[7]: the daily window's interval and tolerance (0: none).
-- ARGV[8]: the credits floor (negative: none).
-- Returns {wait, taken (1 or 0), remaining, credits (-1: not refused for
-- credits)} for "reserve", {} otherwise.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local day_interval = tonumber(ARGV[6])
local day_tolerance = tonumber(ARGV[7])
local floor = tonumber(ARGV[8])
local state = redis.call('HMGET', KEYS[1], 'tat', 'tat_day', 'closed', 'credits', 'credits_until')
local tat = tonumber(state[1]) or 0
local tat_day = tonumber(state[2]) or 0
local closed = tonumber(state[3]) or 0
local credits = tonumber(state[4]) or -1
local credits_until = tonumber(state[5]) or 0
local result = {}
local op = ARGV[1]
if op == 'reserve' then
  if floor >= 0 and credits >= 0 and credits_until > now and credits < floor then
    return {0, 0, 0, credits}
  end
  local start = math.max(now, closed)
  local slot = math.max(math.max(tat, start) + interval - tolerance, start)
  if day_interval > 0 then
    slot = math.max(slot, math.max(tat_day, start) + day_interval - day_tolerance)
  end
  local next_tat = math.max(tat, slot) + interval
  local remaining = math.floor((tolerance - (next_tat - slot)) / interval)
  local next_tat_day = math.max(tat_day, slot) + day_interval
  if day_interval > 0 then
    remaining = math.min(remaining, math.floor((day_tolerance - (next_tat_day - slot)) / day_interval))
  end
  local wait = slot - now
  local taken = 0
  if wait <= tonumber(ARGV[4]) then
    tat = next_tat
    if day_interval > 0 then
      tat_day = next_tat_day
    end
    taken = 1
  end
  result = {wait, taken, remaining, -1}
elseif op == 'remaining' then
  local left = tonumber(ARGV[4])
  if left <= 0 then
    closed = math.max(closed, now + tonumber(ARGV[5]))
  else
    tat = math.max(tat, now + tolerance - left * interval)
  end
elseif op == 'close' then
  closed = math.max(closed, now + tonumber(ARGV[4]))
elseif op == 'day_remaining' then
  if day_interval > 0 then
    tat_day = math.max(tat_day, now + day_tolerance - tonumber(ARGV[4]) * day_interval)
  end
elseif op == 'credits' then
  credits = tonumber(ARGV[4])
  credits_until = now + tonumber(ARGV[5])
else
  return redis.error_reply('unknown operation ' .. op)
end
-- '%.0f': every digit (a bare number could be written as 1.7e+15).
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat), 'tat_day', string.format('%.0f', tat_day),
  'closed', string.format('%.0f', closed), 'credits', string.format('%.0f', credits),
  'credits_until', string.format('%.0f', credits_until))
-- Forgotten once full and open again, and its balance no longer believed:
-- an idle bucket costs nothing.
local busy_until = math.max(math.max(tat, tat_day), math.max(closed, credits_until))
local idle_ms = math.ceil((busy_until - now) / 1000) + 1000
redis.call('PEXPIRE', KEYS[1], idle_ms)
return result
