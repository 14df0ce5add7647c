import ArgumentParser
import Foundation
import Redfish

/// `vmedia bmc`: one Redfish step against one BMC, for debugging a server by hand.
struct BMCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bmc",
        abstract: "Run one Redfish step against one BMC: info, media, insert, eject, boot-once, power.",
        discussion: """
            Each action is one step of an install, for trying a server by hand:
              info          vendor, generation, firmware, power, boot, media slots
              media         the virtual-media slots and what they hold
              eject         eject every occupied CD/DVD slot, wait until empty
              insert URL    insert an http(s)://…/x.iso into a free CD/DVD slot
                            and wait until the slot shows it
              boot-once cd  boot once from the virtual CD at the next reset
              power status|on|off|restart
                            read the power state, or change it and wait;
                            restart = force restart when on, power on when off

            The password comes from an environment variable or a file, never
            from the command line. BMC certificates are not verified by default
            (they are self-signed; a warning is printed). --tls-ca FILE verifies
            against a CA; --tls-pin records the BMC's key on first use and
            refuses a changed key later, like SSH's known_hosts.

            Examples:
              export BMC_PW=…
              vmedia bmc --bmc 10.0.0.21 --username root --password-env BMC_PW info
              vmedia bmc --bmc 10.0.0.21 --username root --password-env BMC_PW \\
                  insert http://10.0.0.5:8080/esx01/k3/esxi.iso
              vmedia bmc --bmc https://10.0.0.21:443 --username root \\
                  --password-file pw.txt --tls-pin power restart
              vmedia bmc --bmc http://127.0.0.1:8000 --username admin \\
                  --password-env PW --json media
            """)

    @OptionGroup var options: BMCOptions

    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    @Argument(help: ArgumentHelp("info | media | insert URL | eject | boot-once cd | power status|on|off|restart", valueName: "action"))
    var action: String

    @Argument(help: ArgumentHelp("The action's argument (URL, cd, status|on|off|restart).", valueName: "argument"))
    var argument: String?

    func validate() throws {
        switch (action, argument) {
        case ("info", nil), ("media", nil), ("eject", nil): break
        case ("insert", let url?):
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("insert takes an http(s):// URL of the .iso") }
        case ("boot-once", "cd"): break
        case ("power", let what?) where ["status", "on", "off", "restart"].contains(what): break
        default:
            throw ValidationError("unknown action \"\(([action] + [argument].compactMap { $0 }).joined(separator: " "))\"; expected info, media, insert URL, eject, boot-once cd, or power status|on|off|restart")
        }
        try options.requireDirect()
    }

    func run() async throws {
        let action = self.action, argument = self.argument, json = self.json
        try await options.withDriver { driver in
            switch action {
            case "info":
                let info = try await driver.info()
                if json { try printJSON(info) } else { print(BMCReport.info(info)) }
            case "media":
                let slots = try await driver.info().mediaSlots
                if json { try printJSON(slots) } else { print(BMCReport.slots(slots)) }
            case "eject":
                let ejected = try await driver.ejectAll()
                if json { try printJSON(["ejected": ejected]) }
                else { print(ejected.isEmpty ? "no CD/DVD slot held media" : ejected.map { "ejected \($0)" }.joined(separator: "\n")) }
            case "insert":
                let slot = try await driver.insert(url: argument ?? "")
                if json { try printJSON(["slot": slot.odataID ?? "", "image": slot.image ?? ""]) }
                else { print("inserted \(slot.image ?? "") into \(slot.odataID ?? "?")") }
            case "boot-once":
                let warning = try await driver.setOneTimeBoot(.cd)
                if json { try printJSON(["bootOnce": "cd"] .merging(warning.map { ["warning": $0] } ?? [:]) { a, _ in a }) }
                else { print(warning.map { "the next reset boots from the virtual CD; \($0)" } ?? "the next reset boots once from the virtual CD") }
            default:
                let outcome: PowerOutcome?
                switch argument {
                case "on": outcome = try await driver.powerOn()
                case "off": outcome = try await driver.powerOff()
                case "restart": outcome = try await driver.forceRestart()
                default: outcome = nil
                }
                let state = try await driver.powerState().description
                if json { try printJSON(["powerState": state, "result": outcome?.rawValue ?? "read"]) }
                else { print(outcome.map { "power \(argument ?? ""): \($0.rawValue); PowerState \(state)" } ?? "PowerState \(state)") }
            }
        }
    }
}

/// Plain-text renderings of what the BMC reported.
enum BMCReport {
    static func info(_ info: BMCInfo) -> String {
        var lines = [
            "vendor       \(info.vendor.rawValue) (\(info.generation))",
            "manager      \(info.managerModel ?? "?"), firmware \(info.firmwareVersion ?? "?"), Redfish \(info.redfishVersion ?? "?"), auth \(info.authentication)",
            "system       \(info.systemURI): \([info.manufacturer, info.model].compactMap { $0 }.joined(separator: " ")), serial \(info.serialNumber ?? "?")",
            "power        \(info.powerState ?? "?")",
            "boot         override \(info.bootOverride ?? "?")" + (info.bootProgress.map { ", progress \($0)" } ?? ""),
            "secure boot  " + (info.secureBoot.map { $0 == "on" ? "on (ESXi skips %firstboot)" : $0 } ?? "not reported"),
            "media",
        ]
        lines.append(slots(info.mediaSlots).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        lines += info.warnings.map { "warning      \($0)" }
        return lines.joined(separator: "\n")
    }

    static func slots(_ slots: [MediaSlot]) -> String {
        guard !slots.isEmpty else { return "(no virtual-media slots)" }
        return slots.map { slot in
            let state = slot.occupied ? "holds \(slot.image ?? "an image")" : "empty"
            return "\(slot.uri)  [\(slot.mediaTypes.joined(separator: ","))]  \(state)\(slot.usable ? "" : "  (not used for URLs)")"
        }.joined(separator: "\n")
    }
}
