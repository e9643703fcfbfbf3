$a = 1 -xor 0 -and $true -or 2 -xor @()
$x -is [int] -isnot [bool]; "1" -as [int] -as [string]; [int]; [int].Name; 5 -is "int"; 5 -as 5
$r -is [Amazon.ECR.Model.Repository]; [pscustomobject]@{a=1} -is [psobject]; 1 -as [int] + 1; [int] -5; $x -is
