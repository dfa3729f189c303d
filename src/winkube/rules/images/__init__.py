"""Images against the nodes a pod can land on (stage runtime): OS and Windows build, per the real
containerd/hcsshim matcher (winkube.compat). Evidence is the image's tag conventions, or its real
platforms with --resolve-images."""
