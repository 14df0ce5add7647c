import ArgumentParser
import Dispatch
import ESXi
import Foundation
import Inventory
import LayeredMedia
import Logging
import MediaServer

/// `vmedia serve`: build every host's image in memory and serve them to their BMCs until stopped.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve each host's remastered installer image over HTTP until stopped.",
        discussion: """
            For every host of the hosts file, vmedia builds the host's image in memory (the source ISO's unchanged \
            runs plus a few KiB of patched sectors; nothing is written to disk), publishes it under \
            http://<advertised address>:<port>/<hostname>/<token>/<source name>.iso and prints the URLs. Each token \
            is 128 random bits, so a URL is a capability, and by default only the host's BMC address may use it \
            (403 for everyone else; the image holds its kickstart), as in `vmedia install`. --any-peer lets any \
            address read (BMCs behind NAT, a VM or curl on this machine); the BMCs must then be IP addresses in \
            the hosts file.

            BMCs read the image on demand with thousands of range requests for the whole install; keep the server \
            running until every host is installed. The ISO must not change while it is served (its images then \
            answer 503). GET /status shows per-host read statistics (HTML, or JSON with Accept: application/json \
            or /status.json). Ctrl-C (SIGINT) or SIGTERM stop accepting, let running transfers finish for up to \
            --grace (10s by default), then exit.

            --advertise defaults to the --listen address when it is specific, else this machine's address on the route \
            towards the BMCs (no packet is sent); BMCs reached through different addresses need --advertise. \
            `vmedia install` and `check --media` choose the same way.

            HTTPS: --https (or --tls-cert/--tls-key) gives every host an https:// URL, media_https: true in a host's \
            ipmi: section that host only. HTTP and HTTPS share the port; the certificate is the given pair or a \
            self-signed one generated once in $XDG_STATE_HOME/vmedia (default ~/.local/state/vmedia), whose SHA-256 \
            fingerprint is printed. Ranges, HEAD, /status and the reader allowlist work the same over both; plain HTTP \
            keeps sendfile.

            serve does not contact BMCs, so a host whose esxi_disk is a drive serial number \
            (esxi_disk: "serial:5PJAMUHD") is an error here: write the naa./eui. id that \
            `vmedia discover --config hosts.yaml --hosts NAME` prints instead, or use `vmedia install`.

            Examples:
              vmedia serve --config hosts.yaml --iso VMware-VMvisor-Installer-8.0U3.iso
              vmedia serve --config hosts.yaml --iso esxi.iso \\
                  --listen 10.0.0.5:8080 --any-peer
              vmedia serve --config hosts.yaml --iso esxi.iso --stable-tokens --json
            """)

    @Option(name: .long, help: ArgumentHelp("The hosts file (the old tool's config.yaml works as is).", valueName: "hosts.yaml"), completion: .file(extensions: ["yaml", "yml"]))
    var config: String

    @Option(name: .long, help: ArgumentHelp("The ESXi installer ISO (read-only, never modified).", valueName: "SRC.iso"), completion: .file(extensions: ["iso"]))
    var iso: String

    @Option(name: .long, help: ArgumentHelp("Address and port to listen on (port 0 picks a free one).", valueName: "IP:PORT"))
    var listen = "0.0.0.0:8080"

    @Option(name: .long, help: ArgumentHelp("The IP address BMCs reach this machine at, put in the URLs (default: the --listen address when it is not 0.0.0.0, else this machine's address on the route to the BMCs).", valueName: "IP"))
    var advertise: String?

    @OptionGroup(title: "Who may read the images") var readers: MediaReaderOptions

    @Flag(name: .long, help: ArgumentHelp(
        "Keep the same URLs across runs: tokens derived from a secret seed file (created on first use, mode 0600).",
        discussion: "The seed lives in $VMEDIA_TOKEN_SEED_FILE, or ~/.local/state/vmedia/token-seed."))
    var stableTokens = false

    @Option(name: .long, help: ArgumentHelp("How long running transfers may take to finish after SIGINT/SIGTERM: 10s, 2m; a bare number is seconds.", valueName: "duration"))
    var grace: String = "10s"

    @Flag(name: .long, help: "Print the URLs as one JSON object (then serve; the access log stays on stderr).")
    var json = false

    @OptionGroup(title: "HTTPS media") var media: MediaTLSOptions

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: iso) else {
            throw ValidationError("cannot read the ISO \(iso): check the path (the installer ISO from VMware's download portal)")
        }
        guard ListenAddress(listen) != nil else {
            throw ValidationError("--listen \(listen) is not IP:PORT (e.g. 0.0.0.0:8080, or [::]:8080 for IPv6)")
        }
        if let advertise, !NetworkAddress.isIPLiteral(advertise) {
            throw ValidationError("--advertise \(advertise) is not an IP address: BMCs need an IP literal in the URL "
                + "(several fail on host names), e.g. --advertise 10.0.0.5")
        }
        _ = try TimeoutValue.parse(grace, flag: "--grace", bareUnit: .seconds, range: 0...3600)
    }

    func run() async throws {
        let plans = try HostsFileLoading.load(config)
        guard !plans.isEmpty else { throw CommandFailure("\(config) lists no hosts: nothing to serve") }
        try HostsFileLoading.requireResolvedDisks(plans, config: config, command: "serve")
        let remaster: ESXiRemaster
        do {
            remaster = try ESXiRemaster(sourcePath: iso)
        } catch {
            throw CommandFailure("cannot remaster \(iso): \(error)")
        }
        let advertised: String
        do {
            try readers.requireBMCAddresses(plans, config: config)
            advertised = try advertise ?? AdvertiseAddress.choose(listen: ListenAddress(listen)!, bmcs: plans.map(\.bmc.host))
        } catch let refusal as InputRefusal {
            throw refusal.report(junit: nil)
        }

        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "vmedia.serve")
        logger.logLevel = .info
        let registry = ImageRegistry(tokens: stableTokens ? .stable(seed: try TokenSeed.load()) : .random)
        let server = MediaServer(registry: registry, logger: logger)
        let address = ListenAddress(listen)!
        let bound: Int
        do {
            bound = try await server.start(host: address.host, port: address.port).port ?? address.port
        } catch {
            throw CommandFailure("\(error)")
        }

        let name = Self.urlFileName(for: iso)
        var entries: [Entry] = []
        // serve talks to no BMC, so no vendor rule applies here: the run's flags, else the host's media_https.
        let runScheme = media.forcedScheme ?? (media.tlsCert != nil ? true : nil)
        var tls: MediaTLSIdentity?
        if plans.contains(where: { runScheme ?? $0.mediaHTTPS ?? false }) {
            do {
                tls = try server.ensureTLS(media.source, addresses: [advertised]).identity
            } catch {
                await server.shutdown(graceSeconds: 0)
                throw CommandFailure("\(error)")
            }
        }
        for plan in plans {
            do {
                let kickstart = Array(try plan.renderKickstart(secrets: .reveal).utf8)
                let host = try remaster.hostImage(kickstart: kickstart, systemMediaSize: plan.systemMediaSize,
                                                          kernelOptions: plan.kernelOptions)
                let published = try registry.publish(LayeredServableImage(host.image), host: plan.hostname, name: name,
                                                     allowedPeers: readers.anyPeer ? nil : [plan.bmc.host])
                let url = try server.url(for: published, advertising: advertised, port: bound,
                                         https: runScheme ?? plan.mediaHTTPS ?? false)
                entries.append(Entry(host: plan.hostname, bmc: plan.bmc.host, url: url, byteCount: host.image.byteCount,
                                     overlayBytes: host.edit.overlayByteCount, error: nil))
            } catch {
                entries.append(Entry(host: plan.hostname, bmc: plan.bmc.host, url: nil, byteCount: 0, overlayBytes: 0,
                                     error: "\(error)"))
            }
        }
        let failed = entries.filter { $0.error != nil }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let summary = Summary(listen: listen, port: bound, advertised: advertised,
                                  status: "http://\(Self.hostPart(advertised)):\(bound)/status", hosts: entries, failed: failed.count,
                                  tlsFingerprint: tls?.fingerprint)
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            if let tls { print(tls.summary) }
            if advertise == nil {
                print("advertising \(advertised): this machine's address on the route to \(plans[0].bmc.host) (override with --advertise)")
            }
            for entry in entries {
                if let url = entry.url {
                    print("\(entry.host) (BMC \(entry.bmc)): \(url)")
                } else {
                    FileHandle.standardError.write(Data("error: \(entry.host) (BMC \(entry.bmc)): \(entry.error ?? "")\n".utf8))
                }
            }
            print("status: http://\(Self.hostPart(advertised)):\(bound)/status — Ctrl-C stops")
        }
        fflush(nil)  // all C streams: scripts read the URLs before the server stops

        if failed.count == entries.count {
            await server.shutdown(graceSeconds: 0)
            throw ExitCode.failure
        }
        await StopSignal.wait()
        let graceValue = (try? TimeoutValue.parse(grace, flag: "--grace", bareUnit: .seconds, range: 0...3600)) ?? TimeoutValue(seconds: 10)
        logger.info("stopping: letting running transfers finish for up to \(graceValue)")
        await server.shutdown(graceSeconds: Double(graceValue.seconds))
        if !failed.isEmpty { throw ExitCode.failure }
    }

    struct Entry: Encodable {
        let host: String
        let bmc: String
        let url: String?
        let byteCount: Int64
        let overlayBytes: Int
        let error: String?
    }

    struct Summary: Encodable {
        let listen: String
        let port: Int
        let advertised: String
        let status: String
        let hosts: [Entry]
        let failed: Int
        /// SHA-256 of the HTTPS certificate (`AB:CD:…`), when some host got an https:// URL.
        let tlsFingerprint: String?
    }

    /// The last path component of the URL: the source ISO's name, with characters BMCs or URLs choke on replaced.
    static func urlFileName(for path: String) -> String {
        var name = String((path as NSString).lastPathComponent.map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character)) ? character : "-"
        })
        while name.hasPrefix(".") { name.removeFirst() }
        if !name.lowercased().hasSuffix(".iso") { name += ".iso" }
        return name.count > 4 ? name : "esxi.iso"
    }

    static func hostPart(_ address: String) -> String { address.contains(":") ? "[\(address)]" : address }

    /// The local address the kernel would use towards `host` (a connected UDP socket sends nothing). Falls back to
    /// the listen address when it is specific.
}

