/// `SecureBoot` (DMTF SecureBoot schema, at `Systems/<id>/SecureBoot`): `SecureBootEnable` is the setting the next
/// boot uses, `SecureBootCurrentBoot` ("Enabled"/"Disabled") what the running boot used. iDRAC9 (≥ 4.00), iDRAC10,
/// XCC, iLO 5/6 and Supermicro X11+ expose it; older firmware has no link, which reads as "unknown".
public struct SecureBoot: Decodable, Sendable {
    public let odataID: String?
    public let secureBootEnable: Bool?
    public let secureBootCurrentBoot: String?
    public let secureBootMode: String?

    enum CodingKeys: String, CodingKey {
        case odataID = "@odata.id", secureBootEnable = "SecureBootEnable", secureBootCurrentBoot = "SecureBootCurrentBoot",
             secureBootMode = "SecureBootMode"
    }
}
