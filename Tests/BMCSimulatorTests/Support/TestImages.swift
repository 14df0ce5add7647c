import Foundation
import Testing
import TestSupport

/// ESXi-shaped installer images made with xorriso (an independent ISO writer), laid out like the real ISO
/// (iso9660-esxi.md §3.3): El Torito BIOS entry (isolinux.bin, 4 sectors) and UEFI entry (efiboot.img),
/// `BOOT.CFG` in the root and in `EFI/BOOT`, the kernel and a few modules, and a kickstart.
struct TestImage {
    let path: String
    let byteCount: Int64

    struct Kickstart {
        var ip = "127.0.0.1"
        var netmask = "255.0.0.0"
        var gateway: String? = "127.0.0.254"
        var device = "vmnic0"
        var disk = "--firstdisk=local"
        var rootpw = "rootpw VMware1!"
        var extra = ""

        var text: String {
            """
            # vmedia simulator test kickstart
            vmaccepteula
            \(rootpw)
            install \(disk) --overwritevmfs
            network --bootproto=static --device=\(device) --ip=\(ip) --netmask=\(netmask)\(gateway.map { " --gateway=\($0)" } ?? "") --hostname=esx-test
            \(extra)
            reboot

            %firstboot --interpreter=busybox
            vim-cmd hostsvc/enable_ssh
            """
        }
    }

    /// - Parameters:
    ///   - kernelopt: the `kernelopt=` value written to the BOOT.CFG files that get one.
    ///   - efiKernelopt: overrides `kernelopt` in `EFI/BOOT/BOOT.CFG` only (pitfall: only one copy patched).
    ///   - kickstartName: the file name on the disc (uppercased by ISO 9660 level 1 naming).
    static func make(in directory: TemporaryDirectory, name: String = "esxi.iso", kickstart: Kickstart,
                     kernelopt: String = "runweasel ks=cdrom:/KS.CFG", efiKernelopt: String? = nil,
                     kickstartName: String = "ks.cfg", moduleSize: Int = 300 * 1024,
                     build: String = "8.0.3-0.35.24280767") throws -> TestImage {
        let xorriso = try Peer.tool("xorriso")
        let tree = directory.file("tree-\(name)")
        let fm = FileManager.default
        try fm.createDirectory(atPath: tree + "/efi/boot", withIntermediateDirectories: true)
        func write(_ relative: String, _ data: Data) throws {
            try data.write(to: URL(fileURLWithPath: tree + "/" + relative))
        }
        func bootCfg(_ opt: String) -> Data {
            Data("""
                bootstate=0
                title=Loading ESXi installer
                timeout=5
                prefix=
                kernel=/b.b00
                kernelopt=\(opt)
                modules=/jumpstrt.gz --- /useropts.gz --- /features.gz --- /k.b00
                build=\(build)
                updated=0

                """.utf8)
        }
        var generator = SystemRandomNumberGenerator()
        func noise(_ count: Int) -> Data { Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        try write("isolinux.bin", noise(2048))
        try write("efiboot.img", Data(count: 64 * 1024))
        try write("boot.cfg", bootCfg(kernelopt))
        try write("efi/boot/boot.cfg", bootCfg(efiKernelopt ?? kernelopt))
        try write("efi/boot/bootx64.efi", noise(4096))
        try write("b.b00", noise(moduleSize))
        try write("jumpstrt.gz", noise(20 * 1024))
        try write("useropts.gz", noise(1024))
        try write("features.gz", noise(1024))
        try write("k.b00", noise(moduleSize * 2))
        try write(kickstartName, Data(kickstart.text.utf8))
        let output = directory.file(name)
        let result = try Peer.run([xorriso, "-as", "mkisofs", "-quiet", "--norock", "-V", "ESXI-8.0U3-TEST", "-o", output,
                                   "-b", "isolinux.bin", "-c", "boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                                   "-eltorito-alt-boot", "-e", "efiboot.img", "-no-emul-boot", tree])
        guard result.status == 0 else { throw TestFailure("xorriso failed: \(result.stderr)") }
        let size = try fm.attributesOfItem(atPath: output)[.size] as? NSNumber
        return TestImage(path: output, byteCount: size?.int64Value ?? 0)
    }
}
