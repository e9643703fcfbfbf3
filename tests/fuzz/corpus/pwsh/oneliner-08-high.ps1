Get-ECRImageScanFinding -RepositoryName web -ImageId_ImageTag latest -Select ImageScanFindings.Findings | Where-Object Severity -in HIGH, CRITICAL | Format-Table Name, Severity
