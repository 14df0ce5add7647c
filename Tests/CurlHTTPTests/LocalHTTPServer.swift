import Foundation
import TestSupport

/// A Python http.server on 127.0.0.1 (an independent HTTP/1.1 peer) with test endpoints:
/// `/echo` (method, path, headers, body, client port as JSON), `/slow/SECONDS`, `/hang`.
/// Keep-alive (HTTP/1.1), Nagle off (else every answer stalls 40 ms), listen backlog 128 (else an
/// 8-connection burst drops SYNs). Started per test on its own port, stopped by the test.
final class LocalHTTPServer: @unchecked Sendable {
    let port: Int
    let process: Process
    var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }
    let scheme: String
    let scriptURL: URL

    static let script = #"""
import base64, json, socket, ssl, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
active = [0, 0]   # requests in /slow now, most at once

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, *args):
        pass
    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", '"abc"')
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        started = time.monotonic()
        if self.path.startswith("/slow/"):
            with lock:
                active[0] += 1
                active[1] = max(active[1], active[0])
            time.sleep(float(self.path.split("/")[2]))
            with lock:
                active[0] -= 1
        elif self.path == "/hang":
            time.sleep(600)
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            auth = base64.b64decode(auth[6:]).decode()
        self.answer(200, {"method": self.command, "path": self.path, "auth": auth, "body": body,
                          "headers": {k.lower(): v for k, v in self.headers.items()},
                          "clientPort": self.client_address[1], "started": started, "finished": time.monotonic(),
                          "mostConcurrent": active[1]})
    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = handle_any

class Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True

server = Server(("127.0.0.1", 0), Handler)
if len(sys.argv) == 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#

    /// Starts the server (TLS when `certificate`/`key` are given) and waits for its port.
    init(certificate: String? = nil, key: String? = nil) throws {
        let python = try Peer.tool("python3")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vmedia-httpd-\(UUID().uuidString).py")
        try Data(Self.script.utf8).write(to: dir)
        scriptURL = dir
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [dir.path] + [certificate, key].compactMap { $0 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        scheme = certificate == nil ? "http" : "https"
        var line = Data()
        let deadline = Date().addingTimeInterval(15)
        while !line.contains(0x0A), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let parsed = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestServerError(message: "python test server did not report its port")
        }
        port = parsed
    }

    /// SIGKILL, not terminate(): children started from the test process inherit a signal mask that
    /// blocks SIGTERM (seen here: python ignored it and waitUntilExit spun forever).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: scriptURL)
    }

    deinit { stop() }
}

struct TestServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A self-signed certificate for 127.0.0.1 made with openssl (an independent peer), in `dir`.
func makeCertificate(in dir: TemporaryDirectory, name: String) throws -> (cert: String, key: String) {
    let openssl = try Peer.tool("openssl")
    let cert = dir.file("\(name).pem"), key = dir.file("\(name).key")
    let result = try Peer.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                               "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                               "-keyout", key, "-out", cert], timeout: 60)
    guard result.status == 0 else { throw TestServerError(message: "openssl req failed: \(result.stderr)") }
    return (cert, key)
}

/// `sha256//BASE64` of the certificate's public key, computed by openssl alone (the way curl documents it).
func opensslPin(certificate: String) throws -> String {
    let openssl = try Peer.tool("openssl")
    let pubkey = try Peer.run([openssl, "x509", "-in", certificate, "-pubkey", "-noout"])
    let der = try Peer.run([openssl, "pkey", "-pubin", "-outform", "der"], stdin: Data(pubkey.stdout.utf8))
    let digest = try Peer.run([openssl, "dgst", "-sha256", "-binary"], stdin: der.stdoutData)
    return "sha256//" + digest.stdoutData.base64EncodedString()
}
