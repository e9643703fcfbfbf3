-- Every ecr function round-trips against a real state (run by tests/scripts/lua.sh,
-- with IMAGES set to ../shared/images and a fresh ECRLITE_HOME).
local images = assert(os.getenv("IMAGES"), "IMAGES not set")
local function expect_error(code, f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "expected " .. code)
  assert(type(e) == "table" and e.code == code, "expected " .. code .. ", got " .. tostring(e))
  return e
end

local r = ecr.create_repository{repositoryName = "lua/app", imageScanningConfiguration = {scanOnPush = false},
                                tags = {{Key = "team", Value = "a"}}}
assert(r.repository.repositoryName == "lua/app" and r.repository.imageScanningConfiguration.scanOnPush == false)
assert(r.repository.repositoryUri == "000000000000.dkr.ecr.us-east-2.amazonaws.com/lua/app", r.repository.repositoryUri)
local e = expect_error("RepositoryAlreadyExistsException", ecr.create_repository, {repositoryName = "lua/app"})
assert(tostring(e) == "An error occurred (RepositoryAlreadyExistsException) when calling the CreateRepository operation: The repository with name 'lua/app' already exists in the registry with id '000000000000'", tostring(e))
assert(e.operation == "CreateRepository")
assert(#ecr.describe_repositories{repositoryNames = {"lua/app"}}.repositories == 1)
assert(ecr.put_image_scanning_configuration{repositoryName = "lua/app",
  imageScanningConfiguration = {scanOnPush = true}}.imageScanningConfiguration.scanOnPush == true)
assert(ecr.list_tags_for_resource{resourceArn = r.repository.repositoryArn}.tags[1].Key == "team")
ecr.tag_resource{resourceArn = r.repository.repositoryArn, tags = {{Key = "env", Value = "prod"}}}
ecr.untag_resource{resourceArn = r.repository.repositoryArn, tagKeys = {"team"}}
assert(ecr.list_tags_for_resource{resourceArn = r.repository.repositoryArn}.tags[1].Key == "env")
ecr.put_image_tag_mutability{repositoryName = "lua/app", imageTagMutability = "MUTABLE"}

-- push (scan on push is on now)
local p = ecr.push(images .. "/alpine-3.19.oci.tar", "lua/app:v1")
assert(p.imageId.imageDigest == "sha256:7600a104622b8f8179efa3637e935e98b235e4f70507d2dbf9980fc7355bd040")
assert(p.imageScanStatus and p.imageScanStatus.status == "COMPLETE", "scan on push")
local ids = ecr.list_images{repositoryName = "lua/app"}.imageIds
assert(#ids == 1 and ids[1].imageTag == "v1")
local d = ecr.describe_images{repositoryName = "lua/app"}.imageDetails[1]
assert(d.imageScanStatus.status == "COMPLETE" and d.imageSizeInBytes == 3546785)
local img = ecr.batch_get_image{repositoryName = "lua/app", imageIds = {{imageTag = "v1"}}}.images[1]
local put = ecr.put_image{repositoryName = "lua/app", imageManifest = img.imageManifest, imageTag = "v2"}
assert(put.image.imageId.imageDigest == p.imageId.imageDigest)
expect_error("ImageAlreadyExistsException", ecr.put_image, {repositoryName = "lua/app", imageManifest = img.imageManifest, imageTag = "v2"})

-- scanning
expect_error("LimitExceededException", ecr.start_image_scan, {repositoryName = "lua/app", imageId = {imageTag = "v2"}})
local f = ecr.describe_image_scan_findings{repositoryName = "lua/app", imageId = {imageTag = "v2"}}
assert(f.imageScanStatus.status == "COMPLETE" and #f.imageScanFindings.findings > 0)
assert(ecr.wait_scan("lua/app", "v1").imageScanStatus.status == "COMPLETE")
local all = ecr.findings("lua/app", "v1")
assert(#all == #f.imageScanFindings.findings)
local n = 0
for finding in ecr.paginate("describe_image_scan_findings", {repositoryName = "lua/app", imageId = {imageTag = "v1"}, maxResults = 2}) do
  assert(finding.name:match("^CVE%-"))
  n = n + 1
end
assert(n == #all, "paginate saw " .. n .. " of " .. #all)
local inv = ecr.inventory("lua/app", "v1")
assert(inv.os.id == "alpine" and #inv.packages == 15)

-- registry scanning configuration
ecr.put_registry_scanning_configuration{scanType = "BASIC", rules = {{scanFrequency = "SCAN_ON_PUSH",
  repositoryFilters = {{filter = "lua/*", filterType = "WILDCARD"}}}}}
assert(ecr.get_registry_scanning_configuration().scanningConfiguration.rules[1].repositoryFilters[1].filter == "lua/*")
local cfg = ecr.batch_get_repository_scanning_configuration{repositoryNames = {"lua/app"}}
assert(cfg.scanningConfigurations[1].scanFrequency == "SCAN_ON_PUSH")

-- wrong shapes name the function, the argument and the field
local ok, msg = pcall(ecr.create_repository, {repositoryName = 5})
assert(not ok and msg:find("bad argument #1 to 'ecr.create_repository' (field 'repositoryName': string expected, got number)", 1, true), msg)
ok, msg = pcall(ecr.start_image_scan, "x")
assert(not ok and msg:find("bad argument #1 to 'ecr.start_image_scan' (table expected, got string)", 1, true), msg)
ok, msg = pcall(ecr.create_repository, {repositoryName = "ab", bogus = 1})
assert(not ok and msg:match("unknown field 'bogus'"), msg)
ok, msg = pcall(ecr.push, 42)
assert(not ok and msg:find("bad argument #2 to 'ecr.push' (string expected, got no value)", 1, true), msg)
expect_error("ValidationException", ecr.create_repository, {repositoryName = "UPPER"})

-- json helpers
assert(ecr.json.decode(ecr.json.encode({a = {1, 2, 3}})).a[3] == 3)
assert(ecr.json.decode("[") == nil)

-- deletes
local del = ecr.batch_delete_image{repositoryName = "lua/app", imageIds = {{imageTag = "v2"}, {imageTag = "nope"}}}
assert(#del.imageIds == 1 and del.failures[1].failureCode == "ImageNotFound")
expect_error("RepositoryNotEmptyException", ecr.delete_repository, {repositoryName = "lua/app"})
assert(ecr.delete_repository{repositoryName = "lua/app", force = true}.repository.repositoryName == "lua/app")
assert(ecr.describe_registry().registryId == "000000000000")
print("roundtrip ok")
