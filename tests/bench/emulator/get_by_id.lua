-- wrk: GET ?id=N for random N in 1..OPERATIONS (env), bearer token from TOKEN (env).
local operations = tonumber(os.getenv("OPERATIONS") or "10000")
local token = os.getenv("TOKEN") or "demo-token"
math.randomseed(42)
request = function()
  local path = "/api/v1/inventory_device_serial_headless_operation/?id=" .. math.random(1, operations)
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
