-Select
ImageScanFindings.Findings
-NoAutoIteration
-MaxResult
2
