-- Adds one credential header to every wrk request. run.sh sets FC_BENCH_HEADER to
-- "Authorization: Bearer <token>" or "Cookie: fc_session=<id>".
local header = os.getenv("FC_BENCH_HEADER")
if header == nil or header == "" then
  error("FC_BENCH_HEADER is not set")
end
local name, value = header:match("^([^:]+):%s*(.+)$")
if name == nil then
  error("FC_BENCH_HEADER must look like 'Name: value'")
end
wrk.headers[name] = value
