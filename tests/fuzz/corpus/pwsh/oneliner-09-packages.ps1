(Get-ECRImageScanFinding web -ImageId_ImageTag latest).ImageScanFindings.Findings | ? Severity -eq UNDEFINED | % { ($_.Attributes | ? Key -eq package_name).Value } | Sort-Object -Unique
