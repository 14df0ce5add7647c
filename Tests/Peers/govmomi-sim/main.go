// vmedia-govmomi-sim: govmomi's vSphere API simulator (Debian's golang-github-vmware-govmomi-dev) as an
// independent ESXi (or vCenter) for vmedia's tests. Built by Tests/Peers/setup.sh in GOPATH mode, no network.
//
// It listens on a loopback address only, sets the release it reports (about.version/build/fullName) and the
// host's runtime.bootTime, takes the root password from the environment (never argv), prints one JSON line
// with its URL once it listens, and runs until stdin closes or it is signalled.
//
// With -vpx it acts as vCenter, and does what govmomi's model leaves out when a host is added (AddHost_Task,
// AddStandaloneHost_Task): like vCenter, it connects to the host being added and checks the
// HostConnectSpec.sslThumbprint against the certificate that host presents (SSLVerifyFault with the host's real
// thumbprint otherwise, as the vim25 API reference documents for both calls) and logs in to it with the spec's
// user and password (InvalidLogin otherwise). vCenter reports these through the failed Task; this front answers
// them as the call's own fault (vmedia reads both). -host-folder NAME creates DC0/host/NAME for AddStandaloneHost_Task.
package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
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
	hostFolder := flag.String("host-folder", "", "with -vpx: create this folder in DC0's host folder")
	flag.Parse()
	if *vpx && *useTLS {
		fail("-vpx serves plain http (its host checks sit in front of govmomi's server)")
	}

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

	simListen := *listen
	if *vpx {
		simListen = net.JoinHostPort(host, "0")
	}
	model.Service.Listen = &url.URL{Host: simListen, User: url.UserPassword(*username, password)}
	if *useTLS {
		model.Service.TLS = new(tls.Config)
	}
	model.Service.RegisterEndpoints = true
	server := model.Service.NewServer()
	defer server.Close()

	sdk := *server.URL
	sdk.User = nil
	if *vpx {
		if *hostFolder != "" {
			if err := createHostFolder(server.URL, *hostFolder); err != nil {
				fail("-host-folder %q: %v", *hostFolder, err)
			}
		}
		listener, err := net.Listen("tcp", *listen)
		if err != nil {
			fail("listen on %s: %v", *listen, err)
		}
		backend := url.URL{Scheme: sdk.Scheme, Host: sdk.Host}
		proxy := httputil.NewSingleHostReverseProxy(&backend)
		go func() { _ = http.Serve(listener, &vCenterFront{proxy: proxy}) }()
		sdk.Host = listener.Addr().String()
	}
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

// createHostFolder makes DC0/host/<name> through the API, as an admin would with govc folder.create.
func createHostFolder(u *url.URL, name string) error {
	ctx := context.Background()
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return err
	}
	defer func() { _ = client.Logout(ctx) }()
	dc, err := find.NewFinder(client.Client).Datacenter(ctx, "DC0")
	if err != nil {
		return err
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	_, err = folders.HostFolder.CreateFolder(ctx, name)
	return err
}

// vCenterFront passes every call to govmomi's server, after checking an added host the way vCenter does.
type vCenterFront struct {
	proxy *httputil.ReverseProxy
}

type connectSpec struct {
	HostName      string `xml:"hostName"`
	Port          int    `xml:"port"`
	SslThumbprint string `xml:"sslThumbprint"`
	UserName      string `xml:"userName"`
	Password      string `xml:"password"`
}

type addHostEnvelope struct {
	Body struct {
		AddHost           *struct{ Spec connectSpec `xml:"spec"` } `xml:"AddHost_Task"`
		AddStandaloneHost *struct{ Spec connectSpec `xml:"spec"` } `xml:"AddStandaloneHost_Task"`
	} `xml:"Body"`
}

func (f *vCenterFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if bytes.Contains(body, []byte("AddHost_Task")) || bytes.Contains(body, []byte("AddStandaloneHost_Task")) {
		var envelope addHostEnvelope
		if err := xml.Unmarshal(body, &envelope); err == nil {
			var spec *connectSpec
			if envelope.Body.AddHost != nil {
				spec = &envelope.Body.AddHost.Spec
			} else if envelope.Body.AddStandaloneHost != nil {
				spec = &envelope.Body.AddStandaloneHost.Spec
			}
			if spec != nil {
				if fault := checkHost(spec); fault != "" {
					w.Header().Set("Content-Type", "text/xml; charset=utf-8")
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = io.WriteString(w, fault)
					return
				}
			}
		}
	}
	f.proxy.ServeHTTP(w, r)
}

// checkHost returns a SOAP fault envelope when vCenter would refuse to add the host, "" when it would go on.
func checkHost(spec *connectSpec) string {
	port := spec.Port
	if port == 0 {
		port = 443
	}
	if ip := net.ParseIP(spec.HostName); ip == nil || !ip.IsLoopback() {
		return soapFault("NoHost", "", fmt.Sprintf("this simulated vCenter only reaches loopback hosts, not %q", spec.HostName))
	}
	address := net.JoinHostPort(spec.HostName, strconv.Itoa(port))
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", address, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		return soapFault("HostConnectFault", "", fmt.Sprintf("cannot connect to %s over TLS: %v", address, err))
	}
	certificates := conn.ConnectionState().PeerCertificates
	_ = conn.Close()
	if len(certificates) == 0 {
		return soapFault("HostConnectFault", "", address+" presented no certificate")
	}
	sum := sha1.Sum(certificates[0].Raw)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	actual := strings.Join(parts, ":")
	if !strings.EqualFold(spec.SslThumbprint, actual) {
		return soapFault("SSLVerifyFault", "<selfSigned>true</selfSigned><thumbprint>"+actual+"</thumbprint>",
			"Authenticity of the host's SSL certificate is not verified.")
	}
	u := &url.URL{Scheme: "https", Host: address, Path: "/sdk", User: url.UserPassword(spec.UserName, spec.Password)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		if soap.IsSoapFault(err) {
			return soapFault("InvalidLogin", "", "Cannot complete login due to an incorrect user name or password.")
		}
		return soapFault("HostConnectFault", "", fmt.Sprintf("cannot log in to %s: %v", address, err))
	}
	_ = client.Logout(ctx)
	return ""
}

func soapFault(kind, fields, message string) string {
	var escaped bytes.Buffer
	_ = xml.EscapeText(&escaped, []byte(message))
	return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode>` +
		`<faultstring>` + escaped.String() + `</faultstring><detail><` + kind + `Fault xmlns="urn:vim25" xsi:type="` + kind + `">` +
		fields + `</` + kind + `Fault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
}
