Get-ECRImageMetadata -RepositoryName web | Select-Object @{n="Tags";e={$_.ImageTags -join ","}}, @{n="Scan";e={$_.ImageScanStatus.Status}} | Sort-Object Tags
