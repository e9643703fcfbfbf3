# A lifecycle policy previewed, written (which runs it), read and removed through the
# cmdlets; the preview comes first, as the policy expires its images when written.
$rules = '{"rules":[{"rulePriority":1,"description":"keep one","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}'
Start-ECRLifecyclePolicyPreview web -LifecyclePolicyText $rules | Format-Table RepositoryName, Status
$preview = Get-ECRLifecyclePolicyPreview web
"$($preview.Status): $($preview.Summary.ExpiringImageTotalCount) to expire"
Get-ECRLifecyclePolicyPreview web -Select PreviewResults | Format-Table ImageTags, ImagePushedAt, AppliedRulePriority
(Get-ECRLifecyclePolicyPreview web -Select PreviewResults).Action.Type
# pages of one result: the cmdlet iterates (one response a page) unless -NoAutoIteration
(Get-ECRLifecyclePolicyPreview web -MaxResult 1).Count
(Get-ECRLifecyclePolicyPreview web -MaxResult 1 -NoAutoIteration -Select PreviewResults).ImageTags
Write-ECRLifecyclePolicy -RepositoryName web -LifecyclePolicyText $rules | Format-List
Get-ECRImage web | Select-Object -ExpandProperty ImageTag
Get-ECRLifecyclePolicy web | Format-Table RepositoryName, LastEvaluatedAt
Remove-ECRLifecyclePolicy web -Force | Format-Table RepositoryName, LastEvaluatedAt
try { Get-ECRLifecyclePolicy web } catch { "$($_.Exception.InnerException.GetType().Name): $($_.Exception.Message)" }
# a rule priority of 0 is no lifecycle policy: the service's InvalidParameterException
Write-ECRLifecyclePolicy '{"rules":[{"rulePriority":0,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}' -RepositoryName web
