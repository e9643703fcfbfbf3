# Pull through cache rules: New- (Medium impact: no prompt), Get- (PullThroughCacheRules
# by default, every page, the -EcrRepositoryPrefix filter), Remove- (High: -Force). The
# errors go to stderr and the script goes on.
New-ECRPullThroughCacheRule -EcrRepositoryPrefix ecr-public -UpstreamRegistryUrl public.ecr.aws
Get-ECRPullThroughCacheRule | Format-Table EcrRepositoryPrefix, UpstreamRegistryUrl, RegistryId
(Get-ECRPullThroughCacheRule -MaxResult 1 | Measure-Object).Count
Get-ECRPullThroughCacheRule -MaxResult 1 -NoAutoIteration | Select-Object -ExpandProperty EcrRepositoryPrefix
(Get-ECRPullThroughCacheRule -EcrRepositoryPrefixes ecr-public).UpstreamRegistryUrl
(Get-ECRPullThroughCacheRule -Select *).PullThroughCacheRules.Count
(Get-ECRPullThroughCacheRule -EcrRepositoryPrefix quay).CreatedAt.GetType().FullName
Get-ECRPullThroughCacheRule quay
Get-ECRPullThroughCacheRule -EcrRepositoryPrefix nope
New-ECRPullThroughCacheRule -EcrRepositoryPrefix k8s -UpstreamRegistryUrl registry.k8s.io
New-ECRPullThroughCacheRule -EcrRepositoryPrefix quay -UpstreamRegistryUrl quay.io
Remove-ECRPullThroughCacheRule -EcrRepositoryPrefix quay -WhatIf
Remove-ECRPullThroughCacheRule -EcrRepositoryPrefix quay -Force -Select UpstreamRegistryUrl
Remove-ECRPullThroughCacheRule -EcrRepositoryPrefix quay -Force
Get-ECRPullThroughCacheRule | Select-Object -ExpandProperty EcrRepositoryPrefix
