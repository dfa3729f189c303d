module winkube.local/platforms-oracle

go 1.20

require (
	github.com/containerd/containerd v1.6.17
	github.com/opencontainers/image-spec v1.0.3-0.20211202183452-c5a74bcca799
)

require (
	github.com/golang/protobuf v1.5.2 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
	github.com/sirupsen/logrus v1.8.1 // indirect
	golang.org/x/sys v0.0.0-20220722155257-8c9f86f7a55f // indirect
	google.golang.org/genproto v0.0.0-20220502173005-c8bf987b8c21 // indirect
	google.golang.org/grpc v1.47.0 // indirect
	google.golang.org/protobuf v1.28.0 // indirect
)
