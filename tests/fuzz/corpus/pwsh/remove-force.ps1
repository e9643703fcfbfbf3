$true
-Force
-Select
^RepositoryName
