New-ECRRepository -RepositoryName web -ImageScanningConfiguration_ScanOnPush $true -Region us-east-2 -Force
