/// The host settings the configure phase writes and reads back: `HostDateTimeSystem` (NTP servers) and hostd's
/// advanced options (`OptionManager`, e.g. `Syslog.global.logHost`), as govc's `host.date.change` and
/// `host.option.set` call them.
extension VSphereClient {
    /// A manager of the standalone host (`configManager.<name>`: `dateTimeSystem`, `advancedOption`, …).
    public func configManager(_ name: String, session: VSphereSession) async throws -> ManagedObjectReference {
        let values = try await properties(of: .standaloneHost, ["configManager.\(name)"], session: session)
        guard let reference = ManagedObjectReference(values["configManager.\(name)"]) else {
            throw VSphereError.malformed(operation: "RetrievePropertiesEx", detail: "the host has no configManager.\(name)")
        }
        return reference
    }

    /// `HostDateTimeSystem.dateTimeInfo.ntpConfig.server`.
    public func ntpServers(_ dateTimeSystem: ManagedObjectReference, session: VSphereSession) async throws -> [String] {
        let info = try await properties(of: dateTimeSystem, ["dateTimeInfo"], session: session)["dateTimeInfo"]
        return info?.child("ntpConfig")?.children("server").map(\.text) ?? []
    }

    /// `UpdateDateTimeConfig(config: {ntpConfig: {server: …}})`: the servers replace the host's list.
    public func updateNTPServers(_ dateTimeSystem: ManagedObjectReference, servers: [String], session: VSphereSession) async throws {
        _ = try await call("UpdateDateTimeConfig", this: dateTimeSystem, arguments: Self.ntpArguments(servers), session: session)
    }

    /// `<config>` of `UpdateDateTimeConfig` (HostDateTimeConfig → HostNtpConfig).
    static func ntpArguments(_ servers: [String]) -> String {
        "<config><ntpConfig>" + servers.map { "<server>\(SOAPText.escape($0))</server>" }.joined() + "</ntpConfig></config>"
    }

    /// `QueryOptions(name)`: the value of the option `key` (text of its `value`), or nil when the host has none.
    public func option(_ optionManager: ManagedObjectReference, key: String, session: VSphereSession) async throws -> String? {
        do {
            let returnval = try await callReturningAll("QueryOptions", this: optionManager,
                                                       arguments: "<name>\(SOAPText.escape(key))</name>", session: session)
            return returnval.first { $0.child("key")?.text == key }?.child("value")?.text
        } catch let error as VSphereError where error.faultType == "InvalidName" {
            return nil
        }
    }

    /// `UpdateOptions(changedValue: [{key, value (xsd:string)}])`.
    public func setOption(_ optionManager: ManagedObjectReference, key: String, value: String, session: VSphereSession) async throws {
        _ = try await call("UpdateOptions", this: optionManager, arguments: Self.optionArguments(key: key, value: value), session: session)
    }

    /// `<changedValue>` of `UpdateOptions`: one OptionValue with a string value.
    static func optionArguments(key: String, value: String) -> String {
        "<changedValue xsi:type=\"OptionValue\"><key>\(SOAPText.escape(key))</key>"
            + "<value xsi:type=\"xsd:string\">\(SOAPText.escape(value))</value></changedValue>"
    }
}
