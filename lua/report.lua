-- report: a Markdown summary of every repository's latest scans.
--   ecrlite lua report [--region REGION] > report.md
local ecr = require "ecr"
local M = {}

local levels = ecr.severities -- the core's order

function M.build()
  local out = {}
  local function w(s) out[#out + 1] = s end
  w("# Image scan report")
  w("")
  w(string.format("Registry %s, region %s, %s.", ecr.describe_registry().registryId, ecr.region(), ecr.iso8601(ecr.now())))
  local total = {}
  local repos, nodata = 0, 0
  -- under enhanced scanning DescribeImages carries no scan status or summary (as ECR's):
  -- each image's come from DescribeImageScanFindings (one finding per page is enough,
  -- the counts cover them all)
  local enhanced = ecr.get_registry_scanning_configuration().scanningConfiguration.scanType == "ENHANCED"
  local function scan_of(repo, img)
    if not enhanced then return img.imageScanStatus, img.imageScanFindingsSummary end
    local ok, r = pcall(ecr.describe_image_scan_findings, {repositoryName = repo, imageId = {imageDigest = img.imageDigest},
                                                           maxResults = 1})
    if not ok then
      if type(r) == "table" and r.code == "ScanNotFoundException" then return nil, nil end
      error(r, 0)
    end
    return r.imageScanStatus, r.imageScanFindings
  end
  if enhanced then w(""); w("Scan type ENHANCED: statuses and counts of the enhanced findings.") end
  for repo in ecr.paginate("describe_repositories", {}) do
    repos = repos + 1
    w("")
    w(string.format("## %s", repo.repositoryName))
    w("")
    w("| image | tags | scan | " .. table.concat(levels, " | ") .. " | completed |")
    w("|---|---|---|" .. string.rep("---:|", #levels) .. "---|")
    local any = false
    for img in ecr.paginate("describe_images", {repositoryName = repo.repositoryName}) do
      any = true
      local status, summary = scan_of(repo.repositoryName, img)
      local st = status and status.status or "NOT SCANNED"
      -- zero counts from a scan no imported data covered are not "clean"
      if ecr.no_data(status) then st = st .. " (no data for its OS)"; nodata = nodata + 1 end
      local sum = summary or {}
      local counts = sum.findingSeverityCounts or {}
      local cells = {}
      for _, l in ipairs(levels) do
        cells[#cells + 1] = tostring(counts[l] or 0)
        total[l] = (total[l] or 0) + (counts[l] or 0)
      end
      w(string.format("| `%s` | %s | %s | %s | %s |", img.imageDigest:sub(1, 19), table.concat(img.imageTags or {}, ", "),
                      st, table.concat(cells, " | "), sum.imageScanCompletedAt and ecr.iso8601(sum.imageScanCompletedAt) or ""))
    end
    if not any then w("| (no images) | | | " .. string.rep(" |", #levels) .. " |") end
  end
  w("")
  w("## Totals")
  w("")
  for _, l in ipairs(levels) do w(string.format("- %s: %d", l, total[l] or 0)) end
  w(string.format("- repositories: %d", repos))
  if nodata > 0 then
    w(string.format("- images scanned without vulnerability data for their OS: %d (import a feed: ecrlite vulndb import)", nodata))
  end
  return table.concat(out, "\n") .. "\n"
end

M.main = function(args)
  for i = 1, #args do if args[i] == "--region" and args[i + 1] then ecr.region(args[i + 1]) end end
  io.write(M.build())
end
if arg and arg[0] and (arg[0] == "report" or arg[0]:match("report%.lua$")) then M.main(arg) end
return M
