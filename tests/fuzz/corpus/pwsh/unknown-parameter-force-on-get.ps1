latest
-Force
