-- wrk script for POST /Users: a fresh userName per request (RFC 7643 §4.1.1 uniqueness would 409 a repeat).
-- init(args) receives the prefix that keeps rounds of one bench run apart.
local counter = 0
local prefix = "load"
function init(args)
  if args[1] then prefix = args[1] end
end
function request()
  counter = counter + 1
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. prefix .. '-' .. counter .. '"}'
  return wrk.format("POST", nil, nil, body)
end
