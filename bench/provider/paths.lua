-- wrk script for GETs spread over many resources: each request takes a path at random from a file (one per
-- line, already URL-encoded), so a per-resource cache cannot flatter one hot id. init(args): args[1] = the file.
local paths = {}
function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no paths in " .. tostring(args[1])) end
  math.randomseed(os.time())
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
