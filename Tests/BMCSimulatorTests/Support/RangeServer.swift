import Foundation
import Testing
import TestSupport

/// nginx from a temporary configuration, serving a directory on one loopback address: an independent,
/// range-capable HTTP server for the simulated virtual CD (the project's MediaServer is tested elsewhere).
/// Its access log is the outside evidence of what the simulated BMC read: client address, request, status.
final class NginxRangeServer {
    let address: String
    let port: Int
    let root: String
    private let directory: TemporaryDirectory
    private let process: Process

    init(address: String, port: Int, serving root: String) throws {
        let nginx = try Peer.tool("nginx")
        self.address = address
        self.port = port
        self.root = root
        directory = try TemporaryDirectory(prefix: "vmedia-nginx")
        let d = directory.path
        try FileManager.default.createDirectory(atPath: d + "/tmp", withIntermediateDirectories: true)
        // master_process off: one root-owned process that reads the test's files and dies with its pid.
        let configuration = """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(d)/nginx.pid;
            error_log \(d)/error.log warn;
            events { worker_connections 256; }
            http {
                log_format simple '$remote_addr "$request" $status $body_bytes_sent "$http_range"';
                access_log \(d)/access.log simple;
                client_body_temp_path \(d)/tmp/body;
                proxy_temp_path \(d)/tmp/proxy;
                fastcgi_temp_path \(d)/tmp/fastcgi;
                uwsgi_temp_path \(d)/tmp/uwsgi;
                scgi_temp_path \(d)/tmp/scgi;
                types { application/octet-stream iso; }
                server {
                    listen \(address):\(port);
                    root \(root);
                }
            }
            """
        try configuration.write(toFile: d + "/nginx.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-c", d + "/nginx.conf", "-p", d]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening(address: address, port: port, what: "nginx (error log: \(d)/error.log)")
    }

    /// One entry per request nginx served.
    struct AccessLogEntry {
        let client: String
        let request: String
        let status: Int
        let bytes: Int
        let range: String
    }

    var accessLog: [AccessLogEntry] {
        let text = (try? String(contentsOfFile: directory.path + "/access.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
            guard quoted.count >= 5 else { return nil }
            let middle = quoted[2].split(separator: " ")
            guard middle.count >= 2, let status = Int(middle[0]), let bytes = Int(middle[1]) else { return nil }
            return AccessLogEntry(client: String(quoted[0].trimmingCharacters(in: .whitespaces)), request: String(quoted[1]),
                                  status: status, bytes: bytes, range: String(quoted[3]))
        }
    }

    func url(_ path: String) -> String { "http://\(address):\(port)\(path)" }

    deinit {
        // SIGKILL: nginx with master_process off started from the test process ignores SIGTERM/SIGQUIT (the
        // signal mask it inherits blocks them), and a test peer has nothing to flush.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Python's http.server: answers every GET with 200 and the whole file, ignoring Range (aws/eks-anywhere#10484,
/// redfish-vendors.md F30) — the peer that shows the virtual CD refusing a server without range support.
final class RangelessServer {
    private let process: Process

    init(address: String, port: Int, serving root: String) throws {
        let python = try Peer.tool("python3")
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "http.server", "--bind", address, "--directory", root, String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening(address: address, port: port, what: "python3 -m http.server")
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Polls with curl until something answers on address:port (any HTTP status), or fails after ~5 s.
func waitUntilListening(address: String, port: Int, what: String, tls: Bool = false) throws {
    let curl = try Peer.tool("curl")
    for _ in 0..<100 {
        let result = try Peer.run([curl, "-s", "-k", "-o", "/dev/null", "--max-time", "1",
                                   "\(tls ? "https" : "http")://\(address):\(port)/"])
        if result.status == 0 { return }
        Thread.sleep(forTimeInterval: 0.05)
    }
    throw TestFailure("\(what) did not start listening on \(address):\(port)")
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
