"""Documents and locators, pod views over every workload kind, the cluster profile, findings."""
