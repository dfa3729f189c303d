module winkube.local/platforms-oracle

go 1.20

require (
	github.com/containerd/platforms v0.2.1
	github.com/opencontainers/image-spec v1.1.0-rc5
)

require (
	github.com/containerd/log v0.1.0 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
	github.com/sirupsen/logrus v1.9.3 // indirect
	golang.org/x/sys v0.10.0 // indirect
)
