# The bitwise, -xor and type operators against PowerShell 7's answers (about_Arithmetic_Operators'
# examples; the binder's rules in Binders.cs, NumericOps.cs, TypeOps; precedence as token.cs has it)
"$(10 -band 3) $(10 -bor 3) $(10 -bxor 3) $(-bnot 10) $(102 -shl 2) $(102 -shr 1) $(21 -shl 1)"
# an [int] shifts in 32 bits, its count masked to 5 bits; a [long] in 64, masked to 6
"$(1 -shl 31) $(1 -shl 32) $(1 -shl 33) $(-8 -shr 1) $(0x7fffffff -shl 1) $(3000000000 -shl 1) $(3000000000 -shl 64) $(-1 -shr 40)"
# [int] with [int] stays an [int]; a [long] on either side widens (0xffffffff is the [int] -1)
"$((5 -band 3).GetType().Name) $(5000000000 -band 0xffffffff) $((5000000000 -bor 1).GetType().Name) $((-bnot 0).GetType().Name) $(-bnot 5000000000)"
# a string is the number its text is: hex, trimmed, "" is 0, multipliers
"$('0x10' -band 0xff) $('12' -band 4) $(' 12 ' -bor 1) $('' -bor 5) $(7 -band '3') $('1kb' -shr 2) $(-bnot '7') $('6' -bxor '3')"
# doubles round half to even; $null is 0 (-bnot $null is -1), $true is 1
"$(2.5 -band 3) $(3.5 -band 7) $(-1.5 -band 7) $(2.5 -shl 1) $(-bnot 2.5) $($null -bor 5) $($null -band $null) $($true -bor 2) $(-bnot $null) $($null -shl 3)"
# precedence: -band -bor -bxor below the comparisons, -shl -shr with them, -bnot unary
"$(1 -eq 1 -band 0) $(1 -shl 2 -eq 4) $(6 -band 3 -bor 8) $(-bnot 5 + 1) $(2 + 1 -shl 1) $(-bnot -bnot 9) $(1 -band 1 -and 0)"
$flags = 0; $flags = $flags -bor 4; $flags = $flags -bor 1; "flags $flags $(($flags -band 4) -ne 0) $(($flags -band 2) -ne 0)"
# -xor: both sides as booleans, on one level with -and and -or, left to right
"$($true -xor $false) $($true -xor $true) $(1 -xor '') $('a' -xor 0) $($false -xor $true -and $false) $($true -or $false -xor $true) $(@() -xor @(0))"
# -is, -isnot: the runtime type; an [int] is no [long]; all but $null is an [object]
"$(5 -is [int]) $(5 -is [long]) $(5000000000 -is [long]) $(2.5 -is [double]) $('a' -is [string]) $($true -is [bool]) $(@(1) -is [array]) $(1 -is [array]) $(@{} -is [hashtable]) $((Get-Date) -is [datetime]) $(5 -is [object]) $($null -is [object]) $(5 -isnot [string]) $('5' -isnot [string])"
"$(5 -is [System.Int32]) $(5 -is [int32]) $(5 -is 'int') $([pscustomobject]@{ a = 1 } -is [pscustomobject]) $(1 -is [psobject]) $(((Get-Date) - (Get-Date)) -is [timespan]) $({ 1 } -is [scriptblock]) $([int].FullName) $([string].Name)"
# -as: the cast's conversion, and $null where the cast would fail
"$('12' -as [int]) $('0x10' -as [int]) $(2.5 -as [int]) $(3.5 -as [int]) $($null -eq ('abc' -as [int])) $($null -eq (3000000000 -as [int])) $(5 -as [string]) $((5 -as [string]).GetType().Name) $('1e3' -as [double]) $($null -eq ($true -as [datetime])) $((1 -as [array]).Count) $('x' -as [bool])"
$n = '42' -as [int]; if ($n -is [int]) { "number $($n + 1)" }
# -as and -is sit with the comparisons: left to right among them
"$('5' -as [int] -eq 5) $(5 -is [int] -eq $true)"
# Where-Object's -Is and -IsNot (the simplified syntax; no case-sensitive spellings)
$rows = [pscustomobject]@{ V = 1 }, [pscustomobject]@{ V = 'a' }, [pscustomobject]@{ V = 2.5 }
"$(($rows | Where-Object V -Is [string]).V) $(($rows | Where-Object V -IsNot [int]).V -join ',') $(@($rows | Where-Object V -Is double).Count)"
# digits convert exactly, past where a double would round (2^53)
"$([long]'9007199254740993') $('9223372036854775807' -as [long])"
