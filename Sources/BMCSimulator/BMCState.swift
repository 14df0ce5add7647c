import ISO9660
import NIOCore
import Primitives

/// The mutable state of one simulated BMC and its server. Only touched under `SimulatedBMC`'s lock, so request
/// handling and the asynchronous boot see one consistent picture.
struct BMCState {
    enum Power: String {
        case on = "On"
        case off = "Off"
        case poweringOn = "PoweringOn"
        case poweringOff = "PoweringOff"
    }

    struct Slot {
        var image: String?
        /// Supermicro keeps ImageName after eject (F17), so it is stored apart from `image`.
        var imageName: String?
        var inserted = false
        var writeProtected = true
        var connected = false
        /// HPE `Oem.Hpe.BootOnNextServerReset` (§1.3).
        var bootOnNextReset = false
    }

    struct Boot {
        var enabled = "Disabled"
        var target = "None"
        var mode = "UEFI"
    }

    struct Session {
        let id: String
        let token: String
        let user: String
    }

    struct Task {
        let id: String
        var state: String
        let slotID: String
        let image: String
        let writeProtected: Bool
        /// What the task does, as its Name shows it.
        var name = "Insert virtual media"
    }

    var power: Power
    /// Bumped on every reset request: a scheduled transition or a boot in progress from an older generation is stale.
    var powerGeneration = 0
    var lastPowerOffAt: NIODeadline?
    var boot = Boot()
    /// Dell: the SCP import set `ServerBoot.1#BootOnce` with `FirstBootDevice` VCD-DVD: the only one-time boot that
    /// boots the virtual CD there (the standard `Cd` target is the physical drive).
    var virtualCDBootOnce = false
    /// iDRAC10 after a boot: Boot is read-only on the System and its Settings (community.general#11297).
    var bootReadOnly = false
    /// Lenovo AMI BMC: `Oem.Ami.VirtualMedia.RMediaStatus`, off until `#AMIVirtualMedia.EnableRMedia`.
    var rMediaEnabled = false
    var importBusyRemaining: Int
    var ignoredBootPatchesRemaining: Int
    var staleAttachRemaining: Int
    var slots: [String: Slot]
    var sessions: [String: Session] = [:]
    var sessionsCreated = 0
    var nextSessionNumber = 1
    var tasks: [String: Task] = [:]
    var nextTaskNumber = 1
    /// Per-resource version numbers behind the ETags; bumped whenever the resource changes.
    var versions: [String: Int] = [:]
    var staleETagsRemaining: Int
    var requestLog: [RecordedRequest] = []
    var phase: InstallPhase
    var mediaBytesRead: Int64 = 0
    var mediaRequests = 0
    /// Bytes read while answering InsertMedia (Dell's check of the image, a copying BMC's download), over all inserts.
    var insertBytesRead: Int64 = 0
    /// What the disk holds (the last successful install, or a preinstalled ESXi): a boot from disk brings it back.
    var installed: InstalledSystem?
    /// The Manager's log (what a console and the SEL/Lifecycle log would show), oldest first, each entry with
    /// its Redfish `Severity`.
    var logEntries: [(severity: String, message: String)] = []
    var log: [String] { logEntries.map(\.message) }

    /// Appends to the Manager's log; a failed install is `Critical`, everything else `OK`.
    mutating func note(_ message: String, severity: String = "OK") { logEntries.append((severity, message)) }
    var random: SplitMix64

    init(configuration: BMCConfiguration) {
        power = configuration.initialPowerState == .on ? .on : .off
        slots = Dictionary(uniqueKeysWithValues: configuration.flavour.slots.map { ($0.id, Slot()) })
        staleETagsRemaining = configuration.faults.staleETagCount
        importBusyRemaining = configuration.faults.importBusyCount
        ignoredBootPatchesRemaining = configuration.faults.ignoredBootPatchCount
        staleAttachRemaining = configuration.faults.staleAttachCount
        phase = configuration.initialPowerState == .on ? .noInstallerBooted("powered on before the test") : .poweredOff
        random = SplitMix64(seed: configuration.faults.seed)
        if let old = configuration.preinstalled {
            installed = InstalledSystem(
                plan: InstallPlan(installDisk: configuration.inventory.disks[0], nicIndex: 0, address: old.address,
                                  rootPassword: .plain(old.rootPassword), hostname: nil),
                release: SimulatedRelease(version: old.version, build: old.build), sshPolicy: "off", firstbootSectionsRun: 0)
        }
    }

    func version(of path: String) -> Int { versions[path, default: 1] }

    mutating func touch(_ path: String) { versions[path, default: 1] += 1 }
}
