import ArgumentParser

/// `vmedia`: the root command. Subcommands only parse and wire; the libraries do the work.
public struct VMediaCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "vmedia",
        abstract: "Install VMware ESXi on racks of servers through their BMCs' virtual media.",
        discussion: """
            vmedia remasters the ESXi installer ISO per host (a few changed sectors over the unchanged \
            source), serves each host's image over HTTP, and drives every BMC over Redfish.
            """,
        version: VMediaVersion.string,
        subcommands: [
            InspectCommand.self,
            FixtureCommand.self,
            RemasterCommand.self,
            ServeCommand.self,
            KickstartCommand.self,
            ValidateCommand.self,
            DiscoverCommand.self,
            BMCCommand.self,
            InstallCommand.self,
            CheckCommand.self,
            EjectCommand.self,
            ConfigureCommand.self,
            DemoCommand.self,
            SimulateCommand.self,
            Version.self,
        ]
    )

    public init() {}
}

/// `vmedia version`: the tool's version, for bug reports and scripts.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print vmedia's version.")
    func run() { print(VMediaVersion.string) }
}

public enum VMediaVersion {
    public static let string = "0.1.0-dev"
}

extension VMediaCommand {
    /// Entry point for the executable. In top-level code `main()` would resolve to the synchronous
    /// overload; from an async function it resolves to `AsyncParsableCommand.main()`.
    public static func runAsMain() async {
        await main()
    }
}
