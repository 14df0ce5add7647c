import NIOConcurrencyHelpers

/// What the configure phase sets on a host besides services and firewall rule sets: the NTP servers of
/// `HostDateTimeSystem` and hostd's advanced options (`OptionManager`), as a fresh install has them (no NTP server,
/// `Syslog.global.logHost` empty). govmomi 0.24's ESX model has neither a date/time system nor these options, so
/// the simulated ESXi answers them for the tests and the demo; the requests' shapes are checked against govmomi's
/// vim25 types (VSphereTests.WSDLShapeTests).
public struct SimulatedHostSettings: Sendable, Equatable {
    public var ntpServers: [String] = []
    /// hostd's advanced options by key (only those vmedia touches).
    public var options: [String: String] = ["Syslog.global.logHost": ""]
    /// Changes made through the API (a second configure run must make none).
    public var changes = 0
}

extension VSphereSOAPService {
    /// `configManager.dateTimeSystem` / `.advancedOption` of `ha-host`, `HostDateTimeSystem.dateTimeInfo`; nil for
    /// anything else.
    func settingsProperty(_ path: String, of object: (type: String, value: String)) -> String? {
        switch (object.type, object.value, path) {
        case ("HostSystem", "ha-host", "configManager.dateTimeSystem"):
            return "<val type=\"HostDateTimeSystem\" xsi:type=\"ManagedObjectReference\">dateTimeSystem</val>"
        case ("HostSystem", "ha-host", "configManager.advancedOption"):
            return "<val type=\"OptionManager\" xsi:type=\"ManagedObjectReference\">EsxHostAdvSettings</val>"
        case ("HostDateTimeSystem", "dateTimeSystem", "dateTimeInfo"):
            let servers = settings.withLockedValue { $0.ntpServers }.map { "<server>\(SOAPRequest.escapeText($0))</server>" }.joined()
            return "<val xsi:type=\"HostDateTimeInfo\"><timeZone><key>UTC</key><name>UTC</name><description>UTC</description>"
                + "<gmtOffset>0</gmtOffset></timeZone><systemClockProtocol>ntp</systemClockProtocol><ntpConfig>\(servers)</ntpConfig></val>"
        default:
            return nil
        }
    }

    static let settingsObjects: Set<String> = ["HostDateTimeSystem:dateTimeSystem", "OptionManager:EsxHostAdvSettings"]

    /// `UpdateDateTimeConfig`, `QueryOptions`, `UpdateOptions`: the body of the answer, or a fault's (type, message).
    func changeSettings(_ operation: String, body: String) -> Result<String, SettingsFault> {
        switch operation {
        case "UpdateDateTimeConfig":
            guard SOAPRequest.reference("_this", in: body).map({ $0 == ("HostDateTimeSystem", "dateTimeSystem") }) == true else {
                return .failure(.notFound)
            }
            // Only what the request names: a config without ntpConfig leaves the servers as they are (hostd's way).
            guard body.contains("ntpConfig>") || body.contains("<ntpConfig/>") else { return .success("") }
            let servers = SOAPRequest.elements("server", in: body)
            settings.withLockedValue { $0.ntpServers = servers; $0.changes += 1 }
            return .success("")
        case "QueryOptions":
            guard SOAPRequest.reference("_this", in: body).map({ $0 == ("OptionManager", "EsxHostAdvSettings") }) == true else {
                return .failure(.notFound)
            }
            let name = SOAPRequest.element("name", in: body) ?? ""
            let matching = settings.withLockedValue { $0.options }.filter { name.isEmpty || $0.key.hasPrefix(name) }.sorted { $0.key < $1.key }
            guard !matching.isEmpty else { return .failure(.invalidName(name)) }
            return .success(matching.map { key, value in
                "<returnval xsi:type=\"OptionValue\"><key>\(SOAPRequest.escapeText(key))</key>"
                    + "<value xsi:type=\"xsd:string\">\(SOAPRequest.escapeText(value))</value></returnval>"
            }.joined())
        case "UpdateOptions":
            guard SOAPRequest.reference("_this", in: body).map({ $0 == ("OptionManager", "EsxHostAdvSettings") }) == true else {
                return .failure(.notFound)
            }
            guard let key = SOAPRequest.element("key", in: body) else { return .failure(.invalidName("")) }
            // hostd refuses a key it does not have (InvalidName), unlike govmomi's model which adds it.
            guard settings.withLockedValue({ $0.options[key] != nil }) else { return .failure(.invalidName(key)) }
            let value = SOAPRequest.element("value", in: body) ?? ""
            settings.withLockedValue { $0.options[key] = value; $0.changes += 1 }
            return .success("")
        default:
            return .failure(.notFound)
        }
    }

    enum SettingsFault: Error {
        case notFound
        case invalidName(String)
    }
}
