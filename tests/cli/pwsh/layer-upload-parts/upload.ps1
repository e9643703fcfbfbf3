# An image pushed as docker pushes it, through the cmdlets: a layer uploaded in two
# parts (bytes read with ReadAllBytes), its config as text in one, then the manifest.
$layer = 'sha256:8619f66c21e35b84a0a3faf72c8a83d2b574b1ee1a1f6d13a6538ed4ce3f4d28'
$config = 'sha256:c5b1d63604f273462ef36fadac3182d43ae6a6138731cf594b314835cf1c034f'
$u = Start-ECRLayerUpload -RepositoryName web
"part size: $($u.PartSize)"
$part = [System.IO.File]::ReadAllBytes("$env:HOME/part-aa")
Send-ECRLayerPart -RepositoryName web -UploadId $u.UploadId -PartFirstByte 0 -PartLastByte ($part.Length - 1) -LayerPartBlob $part -Select LastByteReceived
$part = [System.IO.File]::ReadAllBytes("$env:HOME/part-ab")
Send-ECRLayerPart -RepositoryName web -UploadId $u.UploadId -PartFirstByte 5242880 -PartLastByte 5242979 -LayerPartBlob $part -Select LastByteReceived
Complete-ECRLayerUpload -RepositoryName web -UploadId $u.UploadId -LayerDigest $layer | Format-Table LayerDigest, RepositoryName

# the config: a string is sent as its UTF-8 bytes; the positional argument is the blob
$c = Start-ECRLayerUpload web
'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' |
    Send-ECRLayerPart -RepositoryName web -UploadId $c.UploadId -PartFirstByte 0 -PartLastByte 77 -Select LastByteReceived
Complete-ECRLayerUpload $config -RepositoryName web -UploadId $c.UploadId -Select LayerDigest

$manifest = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"' + $config + '","size":78},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"' + $layer + '","size":5242980}]}'
Write-ECRImage -RepositoryName web -ImageManifest $manifest -ImageTag v1 | Select-Object -ExpandProperty ImageId

# the layer is there, the other digest is not; where to fetch it
$missing = 'sha256:' + ('0' * 64)
Get-ECRLayerAvailabilityBatch -RepositoryName web -LayerDigest $layer, $missing
Get-ECRLayerAvailabilityBatch -RepositoryName web -LayerDigest $layer, $missing -Select Layers
Get-ECRLayerAvailabilityBatch -RepositoryName web -LayerDigest $layer, $missing -Select Failures
$url = (Get-ECRDownloadUrlForLayer web -LayerDigest $layer).DownloadUrl
"$($url.Substring(0, 7)): $([System.IO.File]::ReadAllBytes($url.Substring(7)).Length) bytes"
Get-ECRImage web
