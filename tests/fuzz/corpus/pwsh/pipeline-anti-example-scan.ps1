Get-ECRImage -RepositoryName web -Filter_TagStatus TAGGED | Start-ECRImageScan -RepositoryName web -Force
