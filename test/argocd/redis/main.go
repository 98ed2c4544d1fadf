// A Redis server for Argo CD's cache in the GitOps suite, built from miniredis, the in-process Redis
// that Argo CD's own test suite uses. Building it from a Go module (cached like the other Go-built
// tools) means no suite needs a system package or root: `apt-get install redis-server` was the only
// step of `npm test` that did. Argo CD uses Redis only as a cache, which miniredis serves in memory.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/alicebob/miniredis/v2"
)

func main() {
	bind := flag.String("bind", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 6379, "port to listen on")
	flag.Parse()

	server := miniredis.NewMiniRedis()
	if err := server.StartAddr(net.JoinHostPort(*bind, strconv.Itoa(*port))); err != nil {
		fmt.Fprintf(os.Stderr, "miniredis: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("miniredis: ready to accept connections on %s\n", server.Addr())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	server.Close()
}
