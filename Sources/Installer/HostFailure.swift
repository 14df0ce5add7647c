import CurlHTTP
import ESXi
import Inventory
import Redfish

/// Why a host failed, typed: the phase it failed in, what kind of failure it was, and the message the operator
/// reads. Reports switch on `kind` (JUnit's failure type, `--json`'s `failureKind`, the printer's advice) instead
/// of searching the message.
public struct HostFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A phase ran past its timeout (`InstallError.timeout`).
        case timeout
        /// Stopped by Ctrl-C or SIGTERM while running.
        case cancelled
        /// Never started: Ctrl-C before its turn, the source ISO refused, or SIGTERM's time ran out first.
        case notStarted = "not-started"
        /// The source ISO or the host's image could not be used (`InstallError.source`, a kickstart or plan error).
        case image
        /// The BMC refused or failed a Redfish request, or its certificate was refused.
        case bmc
        /// The BMC has no usable virtual CD, or the insert does not show in its slots.
        case virtualMedia = "virtual-media"
        /// The BMC never read the image, or its reads after the restart are not a boot of it.
        case mediaRead = "media-read"
        /// ESXi did not come up as the image's build, or refused root's login.
        case readiness
        /// Secure Boot makes the plan impossible (a firstboot: script, SSH without a password).
        case secureBoot = "secure-boot"
        /// Installed, but a step through the vSphere API afterwards failed.
        case configure
        /// Installed (and configured), but adding it to vCenter failed.
        case join
        /// Anything else (the message says what).
        case other
    }

    public let phase: InstallPhase
    public let kind: Kind
    public let message: String

    public init(phase: InstallPhase, kind: Kind, message: String) {
        self.phase = phase
        self.kind = kind
        self.message = message
    }

    /// The failure `error` is when it stops a host in `phase`.
    public init(phase: InstallPhase, error: any Error) {
        self.phase = phase
        message = (error as? InstallError)?.description ?? "\(error)"
        kind = switch error {
        case let error as InstallError: Self.kind(of: error)
        case is RedfishError, is CurlHTTPError: .bmc
        case is CancellationError: .cancelled
        case is InventoryError, is ESXiError, is KickstartError: .image
        default: .other
        }
    }

    static func kind(of error: InstallError) -> Kind {
        switch error {
        case .timeout: .timeout
        case .noCDSlot, .insertNotShown: .virtualMedia
        case .neverReadImage, .imageNotBooted: .mediaRead
        case .esxiNotReady, .esxiLoginRefused, .esxiNotTheImage, .installedStateUnclear: .readiness
        case .secureBootSkipsFirstboot, .secureBootNeedsPassword: .secureBoot
        case .configureFailed: .configure
        case .joinFailed: .join
        case .source: .image
        case .cancelled: .cancelled
        }
    }

    public var description: String { message }
}
