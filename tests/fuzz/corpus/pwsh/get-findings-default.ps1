latest
-Region
us-east-2
