"""Where a pod can land, read from the targeting result: wrong OS, no OS targeting, no pool at all,
RuntimeClasses, DaemonSets, and what the kubelet refuses on the pools it lands on."""
