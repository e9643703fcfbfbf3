# try/catch/finally, throw, $Error, functions with param blocks, scopes, casts.
# Expected values from PowerShell's documented rules (about_Try_Catch_Finally,
# about_Throw, about_Functions, about_Scopes); run on an empty registry.
try { Get-ECRRepository -RepositoryName nope; "not reached" } catch { "caught: $($_.Exception.Message)" } finally { "finally ran" }
try {
    Start-ECRImageScan -RepositoryName nope -ImageId_ImageTag latest
} catch [Amazon.ECR.Model.RepositoryNotFoundException] {
    "the SDK exception is inner, so this does not match"
} catch [System.InvalidOperationException] {
    "InvalidOperationException around $($_.Exception.InnerException.ErrorCode)"
    $_.FullyQualifiedErrorId
}
try { throw "boom" } catch [InvalidOperationException] { "wrong" } catch [RuntimeException] { "runtime: $_" }
try { try { throw "inner" } catch [ArgumentException] { "no" } finally { "inner finally" } } catch { "outer caught: $_" }
try { Get-ECRRepository -RepositoryName nope -ErrorAction Stop } catch { "with -ErrorAction Stop: $($_.Exception.InnerException.ErrorCode)" }
try { "body ok" } finally { "finally without catch" }
try { Get-ECRRepository -Nope 1 } catch [System.Management.Automation.ParameterBindingException] { $_.Exception.Message }
try { [int]"abc" } catch { "cast: $($_.Exception.Message)" }
try { Get-ECRRepository -RepositoryName nope } catch [ArgumentException] { "not this one" }
"a cmdlet's uncaught error ends its statement only"
"errors so far: $($Error.Count); newest: $($Error[0].Exception.Message)"

function Get-Label {
    param([string]$Repo, [switch]$Loud, $Suffix = "!")
    if ($Loud) { return "$Repo-LOUD$Suffix" }
    "$Repo$Suffix"
    "second line"
}
Get-Label web
Get-Label -Repo api -Suffix "?"
$one = Get-Label -R x -Loud; "loud gave: $one"
function Add($a, $b) { $a + $b }
Add 2 3
Add -b 10 -a 1
function Fact($n) { if ($n -le 1) { return 1 }; $n * (Fact ($n - 1)) }
Fact 6
$x = 1
function Set-X { $x = 5; $global:y = 7; "inside: $x" }
Set-X
"outside: $x $y"
function Count-Args { $args.Count }
Count-Args a b c
function First { foreach ($i in 1..10) { if ($i -eq 3) { return $i } } ; "unreached" }
First
function Scan-All { param($Names) foreach ($n in $Names) { try { Get-ECRRepository -RepositoryName $n } catch { "missing $n" } } }
Scan-All -Names 'a', 'b'
$row = [pscustomobject]@{ Repository = 'web'; Critical = 2 }
"$($row.Repository) has $($row.Critical)"
[int]"41" + 1
[string](1 + 2) + "x"
# -match on one string fills $Matches (not on a collection, which filters)
if ("CVE-2024-1234" -match 'CVE-(\d+)-(\d+)') { "year $($Matches[1]) number $($Matches[2]) of $($Matches.Count)" }
@("a1", "b") -match '\d'
"still $($Matches[0])"
# whole numbers divided by zero: .NET's DivideByZeroException (never a quiet 0)
try { 10 / 0 } catch { "divide: " + $_.Exception.Message }
try { 7 % 0 } catch { "modulo: " + $_.Exception.Message }
# a number and a string that is no number: the conversion error, and an assignment keeps
# its value when its right side fails
try { 1 + 2 + "a" } catch { "convert: " + $_.Exception.Message }
$kept = 4; try { $kept = 1 / 0 } catch { }; "kept $kept"
