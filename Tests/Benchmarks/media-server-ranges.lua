-- wrk script for media-server.sh: every request reads a random, 1 MiB aligned-anywhere range of the image,
-- like a BMC's on-demand reads (larger than theirs, to measure throughput). IMAGE_SIZE comes from the environment.
local size = tonumber(os.getenv("IMAGE_SIZE"))
local span = 1048576
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
end

function request()
  local first = math.random(0, size - span)
  return wrk.format("GET", nil, { ["Range"] = "bytes=" .. first .. "-" .. (first + span - 1) })
end

function response(status, headers, body)
  if status ~= 206 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
