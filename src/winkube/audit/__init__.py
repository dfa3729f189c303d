"""`winkube audit`: a live cluster (or a kubectl dump) through the one engine — node pools, workloads,
and failures happening now matched against the Windows failure catalogue."""
