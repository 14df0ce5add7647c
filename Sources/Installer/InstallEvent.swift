import Foundation
import Redfish

/// What the installer reports while it works: the CLI turns these into table rows, plain lines, NDJSON and the
/// install dashboard, each switching on `payload`. `--json` writes the flat form documented in the README
/// (`kind`, `phase`, `message`, …), which stays as it was before the payload was typed.
public struct InstallEvent: Sendable, Equatable, Encodable {
    /// The BMC as it answered the check: what `vmedia check` prints and the table's VENDOR column.
    public struct BMCIdentity: Sendable, Equatable {
        public let vendor: Vendor
        /// "iDRAC9", "XCC2", "iLO 5"…
        public let generation: String
        public let power: PowerState

        public init(vendor: Vendor, generation: String, power: PowerState) {
            self.vendor = vendor
            self.generation = generation
            self.power = power
        }

        /// "dell iDRAC9": the table's VENDOR column.
        public var name: String { "\(vendor.rawValue) \(generation)" }
    }

    /// The host's reads of its image, as the media server counted them.
    public struct MediaProgress: Sendable, Equatable {
        public let phase: InstallPhase
        /// Bytes the media server has sent for this host's image (its own count).
        public let bytesRead: Int64
        public let imageBytes: Int64
        /// The reads since the power action mapped to the image's files ("booted our image: KS.CFG read 14:02:11,
        /// 71/80 modules"); see `MediaReadEvidence`.
        public let evidence: String

        public init(phase: InstallPhase, bytesRead: Int64, imageBytes: Int64, evidence: String) {
            self.phase = phase
            self.bytesRead = bytesRead
            self.imageBytes = imageBytes
            self.evidence = evidence
        }
    }

    /// How a host ended, as its `finished` event says it.
    public struct Finish: Sendable, Equatable {
        /// `.done`, or the phase that failed.
        public let phase: InstallPhase
        public let bytesRead: Int64
        public let failure: HostFailure?
        /// What success means for the goal ("installed", "reached media-read").
        public let summary: String

        public init(phase: InstallPhase, bytesRead: Int64, failure: HostFailure?, summary: String) {
            self.phase = phase
            self.bytesRead = bytesRead
            self.failure = failure
            self.summary = summary
        }
    }

    public enum Payload: Sendable, Equatable {
        /// A phase started; the text says what it does.
        case phase(InstallPhase, String)
        /// The BMC was logged in to and said what it is.
        case identified(BMCIdentity)
        /// Reads of the image since the last report.
        case progress(MediaProgress)
        /// Something worth telling that is not a failure.
        case note(InstallPhase, String)
        /// Something the operator should act on that does not stop the host (e.g. an unverified BMC certificate).
        case warning(InstallPhase, String)
        /// The host finished.
        case finished(Finish)
    }

    /// The flat kinds of `--json`'s `kind` key.
    public enum Kind: String, Sendable, Codable {
        case phase, progress, note, warning, finished
    }

    public let host: String
    public let payload: Payload
    /// Seconds since this host started.
    public let elapsed: Double
    /// When it happened (wall clock), `--json`'s RFC 3339 `time`.
    public let time: Date

    public init(host: String, _ payload: Payload, elapsed: Double, time: Date = Date()) {
        self.host = host
        self.payload = payload
        self.elapsed = elapsed
        self.time = time
    }

    /// An event from the flat fields of its `--json` form. `.finished` with `succeeded != true` becomes a failure
    /// of kind `.other` whose message is `message`.
    public init(host: String, kind: Kind, phase: InstallPhase, message: String, bytesRead: Int64? = nil,
                imageBytes: Int64? = nil, elapsed: Double, succeeded: Bool? = nil, media: String? = nil) {
        let payload: Payload = switch kind {
        case .phase: .phase(phase, message)
        case .note: .note(phase, message)
        case .warning: .warning(phase, message)
        case .progress: .progress(MediaProgress(phase: phase, bytesRead: bytesRead ?? 0, imageBytes: imageBytes ?? 0,
                                                evidence: media ?? message))
        case .finished: .finished(Finish(phase: phase, bytesRead: bytesRead ?? 0,
                                         failure: succeeded == true ? nil : HostFailure(phase: phase, kind: .other, message: message),
                                         summary: message))
        }
        self.init(host: host, payload, elapsed: elapsed)
    }

    // MARK: The flat view (`--json`'s keys)

    public var kind: Kind {
        switch payload {
        case .phase: .phase
        case .identified, .note: .note
        case .progress: .progress
        case .warning: .warning
        case .finished: .finished
        }
    }

    public var phase: InstallPhase {
        switch payload {
        case .phase(let phase, _), .note(let phase, _), .warning(let phase, _): phase
        case .identified: .checkBMC
        case .progress(let progress): progress.phase
        case .finished(let finish): finish.phase
        }
    }

    public var message: String {
        switch payload {
        case .phase(_, let text), .note(_, let text), .warning(_, let text): text
        case .identified(let bmc): "\(bmc.name), power \(bmc.power)"
        case .progress(let progress): progress.evidence
        case .finished(let finish): finish.failure?.message ?? finish.summary
        }
    }

    public var bytesRead: Int64? {
        switch payload {
        case .progress(let progress): progress.bytesRead
        case .finished(let finish): finish.bytesRead
        default: nil
        }
    }

    public var imageBytes: Int64? {
        if case .progress(let progress) = payload { return progress.imageBytes }
        return nil
    }

    public var succeeded: Bool? {
        if case .finished(let finish) = payload { return finish.failure == nil }
        return nil
    }

    public var media: String? {
        if case .progress(let progress) = payload { return progress.evidence }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case host, kind, phase, message, bytesRead, imageBytes, elapsed, time, succeeded, media
        case vendor, generation, power, failureKind
    }

    /// `--json`'s event object: the keys it always had, plus `time` (RFC 3339, UTC, milliseconds), the identified
    /// BMC's `vendor`/`generation`/`power` and a failure's `failureKind`. `elapsed` is rounded to milliseconds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try container.encode(kind, forKey: .kind)
        try container.encode(phase, forKey: .phase)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(bytesRead, forKey: .bytesRead)
        try container.encodeIfPresent(imageBytes, forKey: .imageBytes)
        try container.encode(Self.milliseconds(elapsed), forKey: .elapsed)
        try container.encode(Self.rfc3339(time), forKey: .time)
        try container.encodeIfPresent(succeeded, forKey: .succeeded)
        try container.encodeIfPresent(media, forKey: .media)
        switch payload {
        case .identified(let bmc):
            try container.encode(bmc.vendor.rawValue, forKey: .vendor)
            try container.encode(bmc.generation, forKey: .generation)
            try container.encode(bmc.power.description, forKey: .power)
        case .finished(let finish):
            try container.encodeIfPresent(finish.failure?.kind, forKey: .failureKind)
        default:
            break
        }
    }

    /// Seconds rounded to milliseconds, as every `--json` duration is written.
    public static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    /// `2026-12-04T14:02:11.123Z`.
    public static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
