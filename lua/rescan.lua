-- rescan: scan every image again whose last scan is more than a day old (or that was
-- never scanned), within ECR's one-scan-per-image-per-day quota. An image index is not
-- scanned (StartImageScan refuses one, as ECR does): the images it names are. Nor is an
-- artifact whose config is not an image's (a Helm chart): StartImageScan refuses it as
-- UnsupportedImageTypeException, and it is counted as passed over.
--   ecrlite lua rescan [--dry-run]
local ecr = require "ecr"
local M = {}

-- the media types StartImageScan refuses as UnsupportedImageTypeException
local INDEX_TYPES = {
  ["application/vnd.oci.image.index.v1+json"] = true,
  ["application/vnd.docker.distribution.manifest.list.v2+json"] = true,
}

function M.run(opts)
  opts = opts or {}
  -- enhanced scanning has no manual scans (StartImageScan is refused): pushes are
  -- scanned and each vulnerability-data import re-matches continuous repositories
  if ecr.get_registry_scanning_configuration().scanningConfiguration.scanType == "ENHANCED" then
    print("rescan: the registry uses ENHANCED scanning, which scans on push and re-matches on each"
          .. " `ecrlite vulndb import`; nothing to start")
    return 0, 0, 0
  end
  local now = opts.now or ecr.now()
  local started, skipped, fresh, indexes, artifacts = 0, 0, 0, 0, 0
  for repo in ecr.paginate("describe_repositories", {}) do
    for img in ecr.paginate("describe_images", {repositoryName = repo.repositoryName}) do
      local done = img.imageScanFindingsSummary and img.imageScanFindingsSummary.imageScanCompletedAt
      local label = repo.repositoryName .. "@" .. img.imageDigest:sub(1, 19)
      if INDEX_TYPES[img.imageManifestMediaType] then
        indexes = indexes + 1
      elseif done and now - done < 86400 then
        fresh = fresh + 1
      elseif opts.dry_run then
        print("would scan " .. label)
        started = started + 1
      else
        local ok, err = pcall(ecr.start_image_scan, {repositoryName = repo.repositoryName,
                                                     imageId = {imageDigest = img.imageDigest}})
        if ok then
          print("scanned " .. label)
          started = started + 1
        elseif type(err) == "table" and err.code == "LimitExceededException" then
          print("quota: " .. label .. " was scanned less than a day ago")
          skipped = skipped + 1
        elseif type(err) == "table" and err.code == "UnsupportedImageTypeException" then
          artifacts = artifacts + 1
        else
          error(err, 0)
        end
      end
    end
  end
  print(string.format("rescan: %d scanned, %d within the daily quota, %d already fresh", started, skipped, fresh)
        .. (indexes > 0 and string.format(", %d image %s not scanned (their images are)", indexes,
                                          indexes == 1 and "index" or "indexes") or "")
        .. (artifacts > 0 and string.format(", %d artifact%s not scanned (no image)", artifacts,
                                            artifacts == 1 and "" or "s") or ""))
  return started, skipped, fresh
end

if arg and arg[0] and (arg[0] == "rescan" or arg[0]:match("rescan%.lua$")) then
  local dry = false
  for _, a in ipairs(arg) do if a == "--dry-run" then dry = true end end
  M.run({dry_run = dry})
end
return M
