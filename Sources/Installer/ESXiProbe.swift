import CurlHTTP
import Foundation
import VSphere

/// Looks at what answers the vSphere API at a host's ESXi address, once: nothing, or an ESXi with its release
/// (`RetrieveServiceContent`, no login needed), and — when root's password is known — whether it accepts it
/// (`Login`), when it booted (`HostSystem.runtime.bootTime`) and its own clock (`CurrentTime`), then `Logout`.
/// The login is the only way to read the boot time on a real host (hostd refuses property reads without a session).
public struct ESXiProbe: Sendable {
    let client: VSphereClient
    public let address: String
    public let port: Int

    public init(http: CurlHTTPClient, address: String, port: Int, useTLS: Bool) {
        self.client = VSphereClient(http: http, address: address, port: port, useTLS: useTLS)
        self.address = address
        self.port = port
    }

    public func observe(password: String?) async -> ESXiObservation {
        let content: ServiceContent
        let thumbprint: String?
        do {
            // Over TLS the certificate's thumbprint is taken on the same exchange: the join phase hands vCenter
            // the thumbprint of exactly the system judged here.
            (content, thumbprint) = try await client.serviceContentAndThumbprint()
        } catch {
            return .nothing("\(error)")
        }
        guard let password else {
            return .esxi(ESXiSighting(address: address, about: content.about, login: .notTried, bootTime: nil, uptime: nil,
                                      thumbprint: thumbprint))
        }
        let session: VSphereSession
        do {
            session = try await client.login(userName: "root", password: password, content: content)
        } catch let error as VSphereError where error.faultType == "InvalidLogin" {
            return .esxi(ESXiSighting(address: address, about: content.about, login: .refused, bootTime: nil, uptime: nil,
                                      thumbprint: thumbprint))
        } catch {
            // hostd answers before its authentication is up while it starts: not a verdict on the password yet.
            return .esxi(ESXiSighting(address: address, about: content.about, login: .unavailable("\(error)"), bootTime: nil,
                                      uptime: nil, thumbprint: thumbprint))
        }
        let bootTime = try? await client.hostBootTime(session)
        let now = try? await client.currentTime(session)
        try? await client.logout(session)
        let uptime = bootTime.flatMap { boot in now.map { $0.timeIntervalSince(boot) } }
        return .esxi(ESXiSighting(address: address, about: content.about, login: .accepted, bootTime: bootTime, uptime: uptime,
                                  thumbprint: thumbprint))
    }
}

/// What answered at one look.
public enum ESXiObservation: Sendable, Equatable, CustomStringConvertible {
    /// Nothing speaks the vSphere API there (down, booting, installing); the text says what the attempt met.
    case nothing(String)
    case esxi(ESXiSighting)

    public var description: String {
        switch self {
        case .nothing(let reason): return "nothing answers the vSphere API (\(reason))"
        case .esxi(let sighting): return sighting.description
        }
    }
}

/// An ESXi seen at the host's address: its release, whether root's password works, and when it booted.
public struct ESXiSighting: Sendable, Equatable, CustomStringConvertible {
    public enum Login: Sendable, Equatable {
        case accepted
        /// `InvalidLogin`: the password is not this system's.
        case refused
        /// No password to try: the hosts file gives only a crypted hash.
        case notTried
        /// The login could not be tried (hostd still starting, another fault).
        case unavailable(String)
    }

    public let address: String
    public let about: ServiceContent.About
    public let login: Login
    /// `HostSystem.runtime.bootTime` on the host's clock (readable after a login).
    public let bootTime: Date?
    /// The host's `CurrentTime` minus its `bootTime`: both from the host's clock, so a wrong clock does not matter.
    public let uptime: Double?
    /// SHA-1 thumbprint (`AA:BB:…`) of the TLS certificate the system presented; nil over http.
    public let thumbprint: String?

    public init(address: String, about: ServiceContent.About, login: Login, bootTime: Date?, uptime: Double?,
                thumbprint: String? = nil) {
        self.thumbprint = thumbprint
        self.address = address
        self.about = about
        self.login = login
        self.bootTime = bootTime
        self.uptime = uptime
    }

    /// "ESXi 7.0.3 build-21930508".
    public var release: String { "ESXi \(about.version) build-\(about.build)" }

    /// "booted 09:12 UTC" (the host's clock), or nil when unknown.
    public var bootedText: String? {
        guard let bootTime else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "HH:mm"
        return "booted \(formatter.string(from: bootTime)) UTC"
    }

    public var description: String {
        "\(address) runs \(release)" + (bootedText.map { " \($0)" } ?? "")
    }
}
