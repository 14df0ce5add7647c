import ArgumentParser
import CurlHTTP
import Foundation
import Installer
import Logging
import Redfish

/// Connection options shared by `vmedia bmc` and `vmedia discover`.
struct BMCOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The BMC: host, host:port or http(s)://host:port (default https).", valueName: "address"))
    var bmc: String?

    @Option(name: .long, help: "The BMC user name.")
    var username: String?

    @Option(name: .customLong("password-env"), help: ArgumentHelp("Read the BMC password from this environment variable.", valueName: "VAR"))
    var passwordEnv: String?

    @Option(name: .customLong("password-file"), help: ArgumentHelp("Read the BMC password from the first line of this file.", valueName: "file"))
    var passwordFile: String?

    @OptionGroup var tls: BMCTrustOptions

    @Option(name: .customLong("timeout"), help: ArgumentHelp("How long one Redfish request may take: 30s, 2m; a bare number is seconds (inserts get at least 240 s: iDRAC fetches the image during the call).", valueName: "duration"))
    var timeoutText: String = "30s"

    /// `--timeout` in seconds (checked by `validate`).
    var timeout: Int { TimeoutValue(timeoutText, bareUnitSeconds: 1)?.seconds ?? 30 }

    @Option(name: .long, help: ArgumentHelp("The vendor you expect (dell, lenovo, hpe, supermicro, generic); a BMC that says otherwise gives a warning.", valueName: "vendor"))
    var vendor: String?

    @OptionGroup(title: "Output")
    var log: LogOptions

    func validate() throws {
        if let bmc { _ = try BMCAddress(bmc) }
        if passwordEnv != nil && passwordFile != nil {
            throw ValidationError("give the password with only one of --password-env VAR or --password-file FILE")
        }
        if let vendor, Vendor(configValue: vendor) == nil {
            throw ValidationError("--vendor \(vendor): expected dell, lenovo, hpe, supermicro or generic")
        }
        _ = try TimeoutValue.parse(timeoutText, flag: "--timeout", bareUnit: .seconds, range: 1...3600)
    }

    func password() throws -> String {
        if let passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[passwordEnv], !value.isEmpty else {
                throw CommandFailure("the environment variable \(passwordEnv) (from --password-env) is not set or empty")
            }
            return value
        }
        let path = passwordFile ?? ""
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure("cannot read the password file \(path) (from --password-file)")
        }
        guard let line = text.split(whereSeparator: \.isNewline).first, !line.isEmpty else {
            throw CommandFailure("the password file \(path) is empty")
        }
        return String(line)
    }

    /// Messages to standard error (notices and up; --verbose: the Redfish conversation's decisions; --quiet:
    /// errors only) and to --log-file.
    var logger: Logger {
        get throws { try log.makeOutput(defaultLevel: .notice).logger(label: "vmedia") }
    }

    /// Checks that --bmc, --username and a password source are given (without reading the secret).
    func requireDirect() throws {
        guard bmc != nil, username != nil else {
            throw ValidationError("give the BMC with --bmc ADDRESS --username USER and --password-env VAR or --password-file FILE")
        }
        guard passwordEnv != nil || passwordFile != nil else {
            throw ValidationError("give the password with --password-env VAR or --password-file FILE (never on the command line)")
        }
    }

    /// The BMC given by --bmc, --username and --password-env/--password-file.
    func directTarget() throws -> BMCTarget {
        try requireDirect()
        guard let bmc, let username else { throw ValidationError("--bmc and --username are required") }
        return BMCTarget(address: try BMCAddress(bmc), username: username, password: try password(),
                         vendor: vendor.flatMap(Vendor.init(configValue:)))
    }

    /// Logs in, runs `body` with a connected driver, and always logs out.
    func withDriver<T: Sendable>(_ body: @escaping @Sendable (BMCDriver) async throws -> T) async throws -> T {
        try await withDriver(target: try directTarget(), body)
    }

    func withDriver<T: Sendable>(target: BMCTarget, _ body: @escaping @Sendable (BMCDriver) async throws -> T) async throws -> T {
        let logger = try self.logger
        let http = CurlHTTPClient(maxConnectionsPerHost: 4, logger: logger)
        defer { http.shutdown() }
        let connection = BMCConnection(http: http, knownBMCs: tls.store, connectTimeout: .seconds(min(timeout, 15)), logger: logger)
        let trust = try await connection.resolve(tls.trust ?? target.trust ?? .unverified, for: target.address, hostName: target.hostName)
        if let warning = trust.warning { logger.warning("\(warning)") }
        var timeouts = RedfishClient.Timeouts()
        timeouts.request = .seconds(timeout)
        timeouts.insert = .seconds(max(timeout, 240))
        let client = connection.client(for: target.address, trust: trust,
                                       credentials: .init(username: target.username, password: target.password), timeouts: timeouts)
        let expected = target.vendor
        do {
            return try await client.withSession { client in
                try await body(try await BMCDriver.connect(client: client, expectedVendor: expected, logger: logger))
            }
        } catch let error as RedfishError {
            guard case .authentication = error else { throw error }
            throw CommandFailure(CredentialAdvice.describe(error, credentialsFrom: target.hostName.map {
                "\($0)'s ipmi: username and password in the hosts file" } ?? CredentialAdvice.commandLine))
        }
    }
}

/// One BMC to talk to, from the command line or a hosts-file entry. `password` is never printed.
struct BMCTarget: Sendable {
    let address: BMCAddress
    let username: String
    let password: String
    let vendor: Vendor?
    /// The hosts file's choice for this BMC, when it came from one and the command line made none.
    var trust: BMCTrust? = nil
    /// The hosts-file host this BMC belongs to, for warnings that name it.
    var hostName: String? = nil
}

/// JSON for `--json`: sorted keys, no escaped slashes.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
