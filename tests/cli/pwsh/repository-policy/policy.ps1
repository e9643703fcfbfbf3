# A repository policy set, read and removed; then reading it again is the service's
# RepositoryPolicyNotFoundException, as the module raises it (caught, to show its parts).
$policy = '{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}'
Set-ECRRepositoryPolicy -RepositoryName web -PolicyText $policy | Format-List
$p = Get-ECRRepositoryPolicy web
($p.PolicyText | ConvertFrom-Json).Statement.Action
Remove-ECRRepositoryPolicy web -Force | Format-Table RegistryId, RepositoryName
try { Get-ECRRepositoryPolicy web } catch {
    $_.Exception.GetType().FullName
    $_.Exception.InnerException.GetType().FullName
    $_.Exception.Message
    $_.FullyQualifiedErrorId
}
# the registry's own policy: written, read, removed (-WhatIf first: nothing happens)
Write-ECRRegistryPolicy '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:ReplicateImage","Resource":"*"}]}' -Select RegistryId
(Get-ECRRegistryPolicy).PolicyText.Length -gt 0
Remove-ECRRegistryPolicy -WhatIf
Remove-ECRRegistryPolicy -Force -Select RegistryId
