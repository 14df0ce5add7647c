/// Any DMTF Redfish service (OpenBMC/bmcweb, AMI MegaRAC, emulators): the protocol's defaults, unchanged.
public struct GenericProfile: VendorProfile {
    public let vendor = Vendor.generic
    public let generation = "DMTF"
    public init() {}
}
