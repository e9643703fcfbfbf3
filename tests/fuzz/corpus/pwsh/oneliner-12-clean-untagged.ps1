Get-ECRImage -RepositoryName web -Filter_TagStatus UNTAGGED | Remove-ECRImageBatch -RepositoryName web -Force -Select ImageIds; (Get-ECRImage -RepositoryName web).Count
