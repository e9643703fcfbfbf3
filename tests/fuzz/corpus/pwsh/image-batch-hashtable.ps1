web
-Select
Failures.FailureReason
