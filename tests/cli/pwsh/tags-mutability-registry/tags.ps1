# Tags added (no output by default), listed, removed; tag mutability; the registry;
# an authorization token.
$arn = (Get-ECRRepository web).RepositoryArn
Add-ECRResourceTag -ResourceArn $arn -Tag @{Key='env'; Value='prod'}, @{Key='owner'; Value='ops'}
Get-ECRResourceTag $arn
Remove-ECRResourceTag $arn -TagKey env, team -Force
Remove-ECRResourceTag $arn -TagKey owner -Force -Select *
Get-ECRResourceTag $arn -Select *
Get-ECRResourceTag $arn | Measure-Object | Select-Object -ExpandProperty Count
$arn | Add-ECRResourceTag -Tag @{Key='piped'; Value='by value'} -Select '^ResourceArn'
Get-ECRResourceTag -ResourceArn $arn
# a ConstantClass parameter takes its value in any case (the SDK's FindValue)
Write-ECRImageTagMutability web -ImageTagMutability immutable
(Get-ECRRepository web).ImageTagMutability
Get-ECRRegistry | Select-Object -ExpandProperty ReplicationConfiguration
$t = Get-ECRAuthorizationToken
$t.ProxyEndpoint
$t.ExpiresAt
$t.GetType().FullName
Get-ECRAuthorizationToken -Select * | Format-Table AuthorizationData
Remove-ECRResourceTag $arn -TagKey piped -WhatIf
