7 -band 3 -bor 0x10 -bxor "0x1"; -bnot -bnot 5; 1 -shl 33 -shr 1; 2.5 -band -1.5; $null -shl $null
5 -bnot 3
-bnot
1 -band
