-- gate: fail a CI pipeline when an image has findings at or above a severity.
--   ecrlite lua gate REPOSITORY:TAG|REPOSITORY@DIGEST [SEVERITY] [--scan] [--wait]
-- SEVERITY defaults to HIGH. --scan starts a scan when the image has none; --wait waits
-- for it. Exit 0: nothing at or above; 1: findings at or above; 2: no usable scan (none,
-- not COMPLETE, or COMPLETE with no imported vulnerability data for the image's OS).
local ecr = require "ecr"
local M = {}

local levels = ecr.severities -- the core's order

local parse_ref = ecr.parse_ref -- REPOSITORY[:TAG|@DIGEST], the core's parser

-- Returns ok (boolean), the findings at or above threshold, and the scan response.
function M.check(repo, image_id, threshold, opts)
  opts = opts or {}
  threshold = threshold or "HIGH"
  if not (threshold == "UNDEFINED" or ecr.severity_rank(threshold) < 6) then
    error("unknown severity " .. tostring(threshold) .. " (valid: " .. table.concat(levels, ", ") .. ")", 0)
  end
  -- enhanced scanning has no manual scans (StartImageScan is refused), and continuous
  -- scanning's ACTIVE is never the waiter's COMPLETE: its findings are current as they
  -- are (README "ENHANCED scanning"), so they are read without waiting
  local enhanced = ecr.get_registry_scanning_configuration().scanningConfiguration.scanType == "ENHANCED"
  if opts.scan and not enhanced then
    local ok, err = pcall(ecr.start_image_scan, {repositoryName = repo, imageId = image_id})
    if not ok and err.code ~= "LimitExceededException" then error(err, 0) end
  end
  local scan, why, status
  if enhanced then
    local ok, r = pcall(ecr.describe_image_scan_findings, {repositoryName = repo, imageId = ecr.image_id(image_id),
                                                           maxResults = 1})
    if ok and r.imageScanStatus.status == "ACTIVE" then scan = r end
  end
  if not scan then
    -- --wait: the model's waiter as it is (delay, attempts); else one look
    scan, why, status = ecr.wait_scan(repo, image_id, {max_attempts = not opts.wait and 1 or nil})
    if not scan and status == "TIMEOUT" and not opts.wait then
      -- one look is no wait: say what that look found (no scan, or one still running)
      local ok, r = pcall(ecr.describe_image_scan_findings, {repositoryName = repo, imageId = ecr.image_id(image_id),
                                                             maxResults = 1})
      if ok then
        why, status = "the scan has not completed (--wait waits for it)", r.imageScanStatus.status
      elseif type(r) == "table" and r.code == "ScanNotFoundException" then
        why, status = "the image has not been scanned (--scan starts a scan)", "NONE"
      end
    end
  end
  if not scan then return nil, why, status end
  -- COMPLETE, but no imported data covered the image's OS: no verdict either way
  if ecr.no_data(scan.imageScanStatus) then return nil, scan.imageScanStatus.description, "NO DATA" end
  local bad = ecr.findings(repo, image_id, {min_severity = threshold})
  return #bad == 0, bad, scan
end

local function main(args)
  local ref, threshold, opts = nil, "HIGH", {}
  for _, a in ipairs(args) do
    if a == "--scan" then opts.scan = true
    elseif a == "--wait" then opts.wait = true
    elseif not ref then ref = a
    else threshold = a:upper() end
  end
  if not ref then
    io.stderr:write("usage: ecrlite lua gate REPOSITORY:TAG|REPOSITORY@DIGEST [SEVERITY] [--scan] [--wait]\n")
    os.exit(2)
  end
  local repo, id = parse_ref(ref)
  local called, ok, bad, scan = pcall(M.check, repo, id, threshold, opts)
  if not called then
    io.stderr:write("gate: ", tostring(ok), "\n")
    os.exit(2)
  end
  if ok == nil then -- bad: why, scan: the status
    io.stderr:write(string.format("gate: %s: no usable scan (%s): %s\n", ref, tostring(scan), tostring(bad)))
    os.exit(2)
  end
  local counts = scan.imageScanFindings.findingSeverityCounts or {}
  print(string.format("gate: %s  threshold %s", ref, threshold))
  print(string.format("  %-14s %6s", "SEVERITY", "COUNT"))
  for _, l in ipairs(levels) do
    if counts[l] then print(string.format("  %-14s %6d", l, counts[l])) end
  end
  if #bad > 0 then
    print(string.format("  %-18s %-10s %-24s %s", "FINDING", "SEVERITY", "PACKAGE", "VERSION"))
    for _, f in ipairs(bad) do
      if f.packageVulnerabilityDetails then -- an enhanced finding: one line per package
        local d = f.packageVulnerabilityDetails
        for _, p in ipairs(d.vulnerablePackages) do
          local ver = p.release and (p.version .. "-" .. p.release) or p.version or ""
          print(string.format("  %-18s %-10s %-24s %s", d.vulnerabilityId, f.severity, p.name, ver))
        end
      else
        local a = {}
        for _, kv in ipairs(f.attributes) do a[kv.key] = kv.value end
        print(string.format("  %-18s %-10s %-24s %s", f.name, f.severity, a.package_name or "", a.package_version or ""))
      end
    end
    print(string.format("gate: FAIL: %d findings at or above %s", #bad, threshold))
    os.exit(1)
  end
  print("gate: PASS")
  os.exit(0)
end

M.parse_ref = parse_ref
M.main = main
if arg and arg[0] and (arg[0] == "gate" or arg[0]:match("gate%.lua$")) then main(arg) end
return M
