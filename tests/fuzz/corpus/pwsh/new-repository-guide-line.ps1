true
-Region
us-east-2
-Force
