/// Misbehaviours a simulated BMC can be told to show, so the installer's handling of each is tested: every
/// injected fault must fail (or slow) only its own host, with a clear message, never the others.
public struct FaultKnobs: Sendable, Equatable, Codable {
    /// Probability (0…1) that an authenticated Redfish request is answered 500 InternalError instead of served.
    public var errorRate: Double = 0
    /// Added to every Redfish answer (a slow management network or a busy BMC).
    public var addedLatencyMilliseconds: Int = 0
    /// The BMC accepts the insert but its virtual CD never fetches a byte (bad BMC network, HPE accepting a URL it
    /// later fails to read: redfish-vendors.md F21): the host boots without media.
    public var neverReadsMedia: Bool = false
    /// Not a fault but a kind of BMC, carried here so that one lab can mix both kinds: the BMC copies the whole
    /// image during InsertMedia and boots the server from its copy, reading nothing after the power action.
    /// sushy-tools' emulator downloads the image inside InsertMedia before answering (redfish-testbed.md, "It
    /// really downloads the image, synchronously"); Lenovo XCC's RDOC slots upload the image to the BMC
    /// (redfish-vendors.md §1, XCC row).
    public var copiesImageAtInsert: Bool = false
    /// Dell-style slow insert: the insert answers 202 + a Task that stays Running for this many milliseconds
    /// (iDRAC inserts have taken over 30 s, redfish-vendors.md §1.1).
    public var slowInsertMilliseconds: Int? = nil
    /// Overrides the flavour's session cap; creating one more session than this answers the vendor's
    /// "maximum sessions" error (iDRAC RAC0218, F18).
    public var sessionCap: Int? = nil
    /// PATCH without If-Match answers 428 Precondition Required (older XCC, ansible/ansible#56150, F14).
    /// XCC flavours always behave so; this switches it on for the others.
    public var requireIfMatch: Bool = false
    /// The first N PATCHes that carry If-Match answer 412 even when the ETag is current (newer XCC, F15/F26): the
    /// client must refetch and retry.
    public var staleETagCount: Int = 0
    /// How long PowerState takes to settle after a reset request (the state reads PoweringOn/PoweringOff meanwhile).
    public var powerLagMilliseconds: Int = 0
    /// The BMC accepts the one-time boot to the virtual CD and reads it back, but the server boots its disk: iDRAC9
    /// before 4.40.10 boots the physical drive for `Cd` (dell/iDRAC-Redfish-Scripting#90), Supermicro may reset the
    /// boot mode when the device changes (Ironic story 2008712; redfish-vendors.md §1.1, §1.4). An installed ESXi
    /// then comes back on its old build: the installer must not take it for the new one.
    public var ignoresOneTimeBoot: Bool = false
    /// Accepts connections and reads requests but never answers (a wedged BMC web server).
    public var hung: Bool = false
    /// Dell: the first N SCP imports find the Lifecycle Controller busy and answer, in turn, 503 (iDRAC8,
    /// dell/iDRAC-Redfish-Scripting#116), 400 LC068 "pending configuration" and 400 RAC0679 "job running" (#90;
    /// sushy-oem-idrac retries both).
    public var importBusyCount: Int = 0
    /// The first N boot-override PATCHes answer 200 with SYS444/SYS410 errors in `@Message.ExtendedInfo` and change
    /// nothing (Dell 13G, ansible-collections/community.general#5091).
    public var ignoredBootPatchCount: Int = 0
    /// Dell: the first N inserts answer VRM0021 although the drive is empty (a stale attachment, e.g. a virtual console
    /// session or attach mode holding it; openshift/openshift-docs#29321); an eject clears it.
    public var staleAttachCount: Int = 0
    /// Supermicro without the SFT-DCMS-SVC-KEY / SFT-OOB-LIC node product key: InsertMedia answers 403
    /// OemLicenseNotPassed naming the key (redfish-vendors.md §7).
    public var unlicensed: Bool = false
    /// Seed for the random error generator, so an error-rate run is reproducible.
    public var seed: UInt64 = 0x5EED

    public init() {}

    public static let none = FaultKnobs()
}
