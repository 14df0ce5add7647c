import Foundation

/// An ESXi-shaped installer ISO made by an independent writer (genisoimage -J -R): the committed BOOT.CFG fixtures of
/// ESXi 8.0 (both copies) and one module `S.V00` with the given bytes, named like VMware's installer file. For
/// tests of commands that take an installer ISO (`remaster`, `serve`) without depending on our own ISO writer.
public enum GenisoimageESXiSource {
    public static func make(in directory: TemporaryDirectory, module: Data) throws -> String {
        let tree = directory.file("tree")
        try FileManager.default.createDirectory(atPath: tree + "/EFI/BOOT", withIntermediateDirectories: true)
        let bootcfg = Peer.packageRoot.appendingPathComponent("Fixtures/bootcfg/esxi-8.0").path
        try FileManager.default.copyItem(atPath: bootcfg + "/BOOT.CFG", toPath: tree + "/BOOT.CFG")
        try FileManager.default.copyItem(atPath: bootcfg + "/EFI/BOOT/BOOT.CFG", toPath: tree + "/EFI/BOOT/BOOT.CFG")
        try module.write(to: URL(fileURLWithPath: tree + "/S.V00"))
        let iso = directory.file("VMware-VMvisor-Installer-8.0U3.iso")
        let built = try Peer.run([try Peer.tool("genisoimage"), "-quiet", "-J", "-R", "-o", iso, tree])
        guard built.status == 0 else { throw TestSetupError("genisoimage failed: \(built.stderr)") }
        return iso
    }
}
