// vmedia-govmomi-sim: govmomi's vSphere API simulator (Debian's golang-github-vmware-govmomi-dev) as an
// independent ESXi (or vCenter) for vmedia's tests. Built by Tests/Peers/setup.sh in GOPATH mode, no network.
//
// It listens on a loopback address only, sets the release it reports (about.version/build/fullName) and the
// host's runtime.bootTime, takes the root password from the environment (never argv), prints one JSON line
// with its URL once it listens, and runs until stdin closes or it is signalled.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "vmedia-govmomi-sim: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address:port to listen on (must be loopback)")
	vpx := flag.Bool("vpx", false, "simulate vCenter (simulator.VPX) instead of a standalone ESXi (simulator.ESX)")
	useTLS := flag.Bool("tls", false, "serve https with govmomi's built-in certificate")
	username := flag.String("username", "root", "the one user that may log in")
	passwordEnv := flag.String("password-env", "VMEDIA_GOVMOMI_PASSWORD", "environment variable with the password")
	version := flag.String("version", "8.0.3", "about.version")
	build := flag.String("build", "24280767", "about.build")
	bootedAgo := flag.Float64("booted-seconds-ago", 0, "HostSystem.runtime.bootTime this many seconds before now")
	flag.Parse()

	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		fail("-listen %q: %v", *listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		fail("-listen %q: only loopback addresses (127.0.0.0/8) are allowed", *listen)
	}
	password := os.Getenv(*passwordEnv)
	if password == "" {
		fail("the environment variable %s (the password) is empty", *passwordEnv)
	}

	var model *simulator.Model
	if *vpx {
		model = simulator.VPX()
	} else {
		model = simulator.ESX()
	}
	model.ServiceContent.About.Version = *version
	model.ServiceContent.About.Build = *build
	if !*vpx {
		model.ServiceContent.About.FullName = fmt.Sprintf("VMware ESXi %s build-%s", *version, *build)
	}
	if err := model.Create(); err != nil {
		fail("create the model: %v", err)
	}
	defer model.Remove()

	bootTime := time.Now().Add(-time.Duration(*bootedAgo * float64(time.Second))).UTC()
	for _, ref := range simulator.Map.All("HostSystem") {
		if h, ok := simulator.Map.Get(ref.Reference()).(*simulator.HostSystem); ok {
			h.Runtime.BootTime = &bootTime
		}
	}

	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*username, password)}
	if *useTLS {
		model.Service.TLS = new(tls.Config)
	}
	model.Service.RegisterEndpoints = true
	server := model.Service.NewServer()
	defer server.Close()

	sdk := *server.URL
	sdk.User = nil
	line, _ := json.Marshal(map[string]interface{}{
		"url": sdk.String(), "host": sdk.Hostname(), "port": sdk.Port(), "build": *build, "version": *version,
		"bootTime": bootTime.Format(time.RFC3339Nano), "apiType": model.ServiceContent.About.ApiType,
	})
	fmt.Println(string(line))

	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-done:
	case <-signals:
	}
}
