// Command etcd is etcd's own entry point (the same one-line main as etcd's repository root),
// built here from go.etcd.io/etcd/server/v3 so the tests run a real etcd without a download.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
