(Get-ECRImageScanFinding web -ImageId_ImageTag latest).ImageScanFindings.Findings | Group-Object Severity | Sort-Object Count -Descending | Format-Table Name, Count
