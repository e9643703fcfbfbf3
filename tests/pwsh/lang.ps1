# Language semantics of the shell's PowerShell subset; tests/scripts/pwsh.sh compares
# what this prints with lang.expected (each line's expected value is PowerShell's).
$x = 5
if ($x -gt 3 -and $x -lt 10) { "if: mid" } elseif ($x -ge 10) { "if: big" } else { "if: small" }
if ($x -eq "5") { "eq converts the right side" }
if ("ABC" -eq "abc") { "eq ignores case" }
if ("web-app" -like "WEB-*") { "like" }
if ("CVE-2024-1234" -match '^cve-\d{4}-[\d]+$') { "match" }
if (1, 2, 3 -contains 2) { "contains" }
if ("HIGH" -in "CRITICAL", "HIGH") { "in" }
if (-not ($x -lt 0)) { "not" }
"arith: $(1 + 2 * 3) $(7 % 3) $(10 / 4) $('a' + 1)"
$list = @(3, 1, 2)
"count: $($list.Count) first: $($list[0]) last: $($list[-1])"
$list | Sort-Object | ForEach-Object { "sorted: $_" }
$list | Sort-Object -Descending | Select-Object -First 1
($list | Measure-Object -Sum).Sum
foreach ($i in 1, 2) { "foreach $i" }
$h = @{Name = "web"; Count = 2}
"hash: $($h.Name) $($h['Count'])"
$objs = '[{"Severity": "HIGH", "Pkg": "a"}, {"Severity": "LOW", "Pkg": "b"}, {"Severity": "HIGH", "Pkg": "c"}]' | ConvertFrom-Json
($objs | Where-Object { $_.Severity -eq "HIGH" }).Count
($objs | Where-Object Severity -EQ LOW).Pkg
$objs | Group-Object Severity | ForEach-Object { "$($_.Name)=$($_.Count)" }
($objs | Select-Object -Skip 1 -First 1).Pkg
$objs | Select-Object -ExpandProperty Pkg | Select-Object -Last 1
$objs.Pkg -join ","
$objs | Select-Object Pkg, @{Name = "Sev"; Expression = { $_.Severity + "!" }} | Format-Table
$acc = @()
foreach ($n in 1..4) { if ($n % 2 -eq 0) { $acc += $n * 10 } }
"even: $($acc -join ' ') count $($acc.Count)"
$s = "x"; $s += "y"; $s * 2
<# loops: while, do/until, break, continue #>
$i = 0
while ($i -lt 5) { $i += 1; if ($i -eq 2) { continue }; if ($i -eq 4) { break }; "while $i" }
do { $i -= 1; "do $i" } until ($i -le 2)
'CVE-2024-1234' -replace 'CVE-(\d+)-(\d+)', '$2/$1'
"{0} of {1}" -f 3, "x"
@('LOW', 'HIGH', 'HIGH') -eq 'HIGH'
$d = '{"HIGH": 2}' | ConvertFrom-Json
if ($d.CRITICAL -gt 0) { "critical" } else { "no critical: $($d.HIGH) high" }
# subexpressions are parsed once, with quotes and parentheses of their own
$n = 5; "a$($n + 1)b $(")") `$n ""q"" $( "in$( "$($n)" )ner" ) [$(  )] $(1,2,3)"
"$('x') is $("a$('b')c".Length) long"
# .NET methods: ordinal and case-sensitive, unlike the operators; arrays enumerate
$a = @{ Key = @('severity', 'package_name', 'package_version'); Value = @('HIGH', 'openssl', '3.0.11') }
$a.Value[$a.Key.IndexOf('package_name')]
"CVE-2023-1234".Split("-")[1] + " " + "Abc".ToUpper() + " " + "  pad ".Trim() + " " + "abc".Contains("B")
@('x', 'y').ToUpper() -join ','
"$((42).GetType().Name) $("s".GetType().FullName) $("a-b".Replace("-", "+").Substring(1))"
# for loops, ++ and --
$acc = @(); for ($i = 0; $i -lt 5; $i++) { if ($i -eq 1) { continue }; if ($i -eq 4) { break }; $acc += $i }; $acc -join '+'
$c = 3; $c--; $c++; $c++; "c=$c"
# DateTime: Get-Date on the fixed clock ($ECRLITE_NOW, TZ=UTC in the test), formats,
# arithmetic into TimeSpans, comparisons, JSON
$now = Get-Date
"$now | $(Get-Date -Format 'yyyy-MM-dd HH:mm') | $(Get-Date -UFormat '%s') | $($now.DayOfWeek) $($now.Year)"
$week = $now.AddDays(-7)
"$($week.ToString('dd MMM yyyy')) $(($now - $week).TotalDays) $($now -gt $week) $($week -lt '2026-11-22')"
[datetime]"2024-02-03T04:05:06Z" | ConvertTo-Json
# switch: every matching clause runs, break leaves, continue takes the next value, default
switch ("CRITICAL", "low", "INFORMATIONAL", 7) { "critical" { "page: $_" } { $_ -eq 7 } { "block $_" } "LOW" { "later: $_"; continue } 7 { "seven"; break } default { "ignore: $_" } }
switch -Wildcard ("CVE-2024-1", "GHSA-x") { "CVE-*" { "cve $_" } "GHSA-*" { "ghsa $_" } }
$kind = switch -Regex ("a1") { '\d' { "has a digit" } }; $kind
$back = @{ When = (Get-Date) } | ConvertTo-Json | ConvertFrom-Json; "$($back.When.AddDays(1).ToString('s')) $($back.When.GetType().Name)"
# decimals, .NET statics: Math.Round is half-to-even
"$([math]::Round(2.5)) $([math]::Round(3.14159, 2)) $([math]::Round(7 / 3 * 100, 1)) $([math]::Max(3, 9)) $(0.1 + 0.2) $([string]::IsNullOrEmpty('')) $([string]::Join('+', @('a', 'b'))) $([datetime]::Parse('2024-05-06').DayOfWeek)"
# case-sensitive (-c…) and explicitly insensitive (-i…) comparison operators
"$('A' -eq 'a') $('A' -ceq 'a') $('A' -ieq 'a') $('Abc' -clike 'a*') $(@('A', 'a') -ceq 'a') $('aXa' -creplace 'x', '-') $(@('A', 'b') -ccontains 'a')"
# assignment to elements and properties: containers change in place
$count = @{}; foreach ($s in 'HIGH', 'low', 'High', 'LOW', 'CRITICAL') { $count[$s] += 1 }
"$(($count.Keys | Sort-Object) -join ',') $($count['high']) $($count.LOW) $($count.ContainsKey('critical'))"
$arr = 1..4; $arr[0] = 10; $arr[-1]++; $row = [pscustomobject]@{ Total = 0 }; $row.Total += 3; $count.New = 'x'
"$($arr -join ',') $($row.Total) $($count.Count) $(@(1..3)[0])"
1..4 | ForEach-Object -Begin { $t = 0 } -Process { $t += $_ } -End { "total $t" }
# -f: alignment and .NET's number formats (ties away from zero), DateTime formats
"[{0,-6}][{1,4}] {2:N2} {3:N0} {4:F1} {5:P1} {6:D4} {7:X} {8:0.0#} {9:yyyy-MM-dd}" -f 'web', 7, 1234.567, 999999.5, 2.25, 0.125, 42, 255, 3.14159, (Get-Date)
# arithmetic without spaces reads as PowerShell's expression mode reads it; in an
# argument the same text stays one word
$k = 5; "$(1+1) $($k-1) $($k*2) $(2*3+1) $($k%3) $(10-2-3)"; $k+=2; $k++; $k
Write-Output 1+1 2024-01-01
# a number's exponent may have a sign; a double past 15 digits shows .NET's capital E
"$(1e-5) $(2.5e-3 * 2) $(1e+3) $(1e16) $(5-1e-2) $(1.5E-3 - 1)"
# hex literals (an [int] while they fit 32 bits) and the kb..pb multipliers
"$(0x10) $(0x1E-5) $(0xFFFFFFFF) $(0x100000000) $(1kb) $(1.5KB) $(2mb) $((1kb).GetType().Name) $((1.5kb).GetType().Name)"
# precedence: -and and -or on one level, left to right; -f above the arithmetic
"$($true -or $true -and $false) $($false -and $false -or $true) $("{0}" -f 1 + 1) $("{0}" -f 2 * 3) $("{0}" -f 1..3)"
# indexing a string gives its characters; an array of indexes (a range) gives a slice
$w = "héllo"; "$($w[1]) $($w[-1]) [$($w[9])] $(("a","b","c")[0..1] -join '') $(@(1,2,3)[0,5,-1] -join ',') $((@(1,2,3)[0,5]).Count)"
# a static property's members and methods: the word after :: runs on over dots
"$([string]::Empty.Length) $([datetime]::Parse('2024-05-06').AddDays(1).DayOfWeek) $([datetime]::UtcNow.Kind) $(([datetime]::Now.Year) -gt 1969) $([datetime]::Today.AddHours(5).Hour)"
