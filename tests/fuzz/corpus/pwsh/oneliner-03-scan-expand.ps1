Start-ECRImageScan -RepositoryName web -ImageId_ImageTag latest -Force | Select-Object -ExpandProperty ImageScanStatus
