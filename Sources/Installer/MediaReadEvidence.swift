import ESXi
import Foundation
import MediaServer

/// What a host's reads of its image after vmedia's power action say about its boot, file by file.
///
/// Bytes served before the power action prove nothing: iDRAC reads the image during InsertMedia, other BMCs probe
/// it when it is mounted (redfish-vendors.md §4). A BMC that streams the virtual CD on demand reads, after the
/// restart, the El Torito boot image, BOOT.CFG, the kernel and modules, then KS.CFG (iso9660-esxi.md §3.1), so
/// served ranges mapped onto those files show how far the boot got. A BMC that copies the whole image when it is
/// inserted (sushy-tools' InsertMedia downloads it before answering; Lenovo's RDOC slots upload it to the BMC)
/// reads nothing afterwards: its evidence is the full download, and says so.
///
/// A file counts as read once every byte of it was served after the mark; its time is when the last of those
/// reads completed (the media server's clock). "Read" means served: a BMC reads in blocks with read-ahead, so a
/// small file next to one the boot opens can be served with it.
struct MediaReadEvidence: Sendable {
    let map: BootMediaMap
    let imageBytes: Int64
    /// Coalesced ranges served since the mark, per file of `map` (by index).
    private var covered: [[Range<Int64>]]
    private var completedAt: [Double?]
    private var consumed = 0
    /// When the full image had been read before the power action (a BMC that copies it up front), its time.
    private(set) var fullDownloadAt: Double?

    init(map: BootMediaMap, imageBytes: Int64) {
        self.map = map
        self.imageBytes = imageBytes
        covered = Array(repeating: [], count: map.files.count)
        completedAt = Array(repeating: nil, count: map.files.count)
    }

    /// Notes what was read before the mark: a complete image means the BMC copied it at insert.
    mutating func noteBeforeMark(_ stats: ImageStatisticsSnapshot) {
        if imageBytes > 0, stats.distinctBytesRead >= imageBytes { fullDownloadAt = stats.lastAccess }
    }

    /// Takes the reads of `stats.readsSinceMark` not seen yet. Returns whether anything new was read.
    @discardableResult
    mutating func ingest(_ stats: ImageStatisticsSnapshot) -> Bool {
        let reads = stats.readsSinceMark
        guard reads.count > consumed else { return false }
        for read in reads[consumed...] { add(read) }
        consumed = reads.count
        return true
    }

    private mutating func add(_ read: TimedRead) {
        // Files are sorted by offset: skip those that end before the read, stop at the first that starts after it.
        var low = 0, high = map.files.count
        while low < high {
            let mid = (low + high) / 2
            if map.files[mid].range.upperBound <= read.range.lowerBound { low = mid + 1 } else { high = mid }
        }
        var index = low
        while index < map.files.count, map.files[index].range.lowerBound < read.range.upperBound {
            let file = map.files[index].range
            let part = max(file.lowerBound, read.range.lowerBound)..<min(file.upperBound, read.range.upperBound)
            if !part.isEmpty, completedAt[index] == nil {
                covered[index] = Self.merged(covered[index], part)
                if covered[index].count == 1, covered[index][0] == file { completedAt[index] = read.time }
            }
            index += 1
        }
    }

    private static func merged(_ ranges: [Range<Int64>], _ range: Range<Int64>) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        var current = range
        for existing in ranges {
            if existing.upperBound < current.lowerBound || existing.lowerBound > current.upperBound {
                result.append(existing)
            } else {
                current = min(existing.lowerBound, current.lowerBound)..<max(existing.upperBound, current.upperBound)
            }
        }
        result.append(current)
        return result.sorted { $0.lowerBound < $1.lowerBound }
    }

    private func readTime(_ role: BootMediaMap.Role) -> Double? {
        map.files.indices.filter { map.files[$0].role == role }.compactMap { completedAt[$0] }.min()
    }

    var bootImageRead: Bool { readTime(.bootImage) != nil }
    var bootConfigReadAt: Double? { readTime(.bootConfig) }
    var kickstartReadAt: Double? { readTime(.kickstart) }
    var modulesRead: Int { map.files.indices.filter { map.files[$0].role == .module && completedAt[$0] != nil }.count }
    var anythingRead: Bool { consumed > 0 }

    /// The boot-relevant files were read after the restart: a boot image, BOOT.CFG and KS.CFG, which the
    /// installer reads last, after mboot has loaded the modules.
    var bootedOurImage: Bool { bootImageRead && bootConfigReadAt != nil && kickstartReadAt != nil }

    /// `--until media-read` is reached: the boot files were read after the restart, or the BMC had copied the
    /// whole image before it and nothing can be seen after (the evidence is then the full download).
    var mediaReadReached: Bool { bootedOurImage || (fullDownloadAt != nil && !anythingRead) }

    /// "booted our image: KS.CFG read 14:02:11, 71/80 modules", or how far it got.
    func summary(timeZone: TimeZone = .current) -> String {
        let modules = "\(modulesRead)/\(map.moduleCount) modules"
        if let ks = kickstartReadAt, bootedOurImage {
            return "booted our image: KS.CFG read \(Self.clock(ks, timeZone)), \(modules)"
        }
        if !anythingRead {
            if let full = fullDownloadAt {
                return "the BMC copied the whole image (\(imageBytes) bytes) before the restart, finished \(Self.clock(full, timeZone)); "
                    + "it boots from its copy, so the evidence is the full download"
            }
            return "no read of the image since the restart"
        }
        var parts: [String] = []
        parts.append(bootImageRead ? "boot image read" : "boot image not read")
        parts.append(bootConfigReadAt.map { "BOOT.CFG read \(Self.clock($0, timeZone))" } ?? "BOOT.CFG not read")
        parts.append(modules)
        parts.append(kickstartReadAt.map { "KS.CFG read \(Self.clock($0, timeZone))" } ?? "KS.CFG not read yet")
        return "reading our image since the restart: " + parts.joined(separator: ", ")
    }

    static func clock(_ seconds: Double, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        return String(format: "%02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }
}
