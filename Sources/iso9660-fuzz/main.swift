// libFuzzer target for the ISO 9660 reader and the whole edit path: every input is an image.
//
// 1. Reader: opening, verifying, walking every name space, looking paths up and reading file heads.
// 2. Edit path, as `remaster`, `serve` and `install` run it: the image is opened from a file, ESXiRemaster
//    finds and patches both BOOT.CFG files (ks=cdrom:/KS.CFG, systemMediaSize=), ImageEdit adds KS.CFG,
//    the planner lays the result out as a LayeredImage, whose segments and bytes are then read in full
//    and parsed again. Images that are not ESXi installers still go through ImageEdit (a new directory,
//    a replaced BOOT.CFG and KS.CFG), so the planner sees every tree the reader accepts.
// Each step must end in a value or an error, never a crash, a hang or an unbounded allocation.
//
// Build and run: bash Tests/Fuzz/run.sh [seconds]. In a plain `swift build` the executable replays the
// files named on its command line instead (see Sources/CLibFuzzer/replay.c).
import CLibFuzzer
import ESXi
import ISO9660

#if canImport(Glibc)
import Glibc
#endif

/// The planner edits images read from a file (the LayeredImage it makes reads unchanged sectors from the
/// source path), so each input is written to one scratch file per process.
let scratchPath: String = {
    let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    return "\(directory)/iso9660-fuzz-\(getpid()).iso"
}()

let kickstart = Array("vmaccepteula\nrootpw --iscrypted $6$salt$hash\ninstall --firstdisk --overwritevmfs\nnetwork --bootproto=dhcp\n".utf8)

func fuzzReader(_ bytes: [UInt8]) {
    let source = ByteArraySectorSource(bytes)
    guard let image = try? ISOImage(source: source) else { return }
    _ = try? image.verify()
    for namespace in ISONamespace.allCases {
        for (path, entry) in image.walk(namespace: namespace) {
            _ = image.lookup(path, namespace: namespace)
            if !entry.isDirectory {
                _ = try? image.read(entry, range: 0..<min(entry.size, 4096))
            }
        }
    }
    _ = image.lookupLikeESXiLoader("/EFI/BOOT/BOOT.CFG")
}

/// Reads a layered image the ways the media server and `remaster` do, then parses the result.
func consume(_ layered: LayeredImage) {
    guard layered.byteCount <= 64 << 20 else { return }
    _ = layered.segments(in: 0..<layered.byteCount)
    _ = layered.segments(in: (layered.byteCount / 3)..<layered.byteCount)
    guard let bytes = try? layered.read(0..<layered.byteCount) else { return }
    if let edited = try? ISOImage(source: ByteArraySectorSource(bytes)) {
        _ = edited.lookupLikeESXiLoader("/KS.CFG")
        _ = try? edited.verify()
    }
}

func fuzzEditPath(_ bytes: [UInt8]) {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return }
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard written == bytes.count else { return }
    if let remaster = try? ESXiRemaster(sourcePath: scratchPath) {
        for size in [SystemMediaSize.small, .omitted] {
            if let host = try? remaster.hostImage(kickstart: kickstart, systemMediaSize: size) { consume(host.image) }
        }
        return
    }
    guard let image = try? ISOImage(path: scratchPath) else { return }
    var edit = ImageEdit(image: image, sourcePath: scratchPath)
    edit.addDirectory("/EFI/BOOT")
    edit.setFile("/EFI/BOOT/BOOT.CFG", contents: Array("kernelopt=ks=cdrom:/KS.CFG\n".utf8))
    edit.setFile("/KS.CFG", contents: kickstart)
    if let result = try? edit.build() { consume(result.image) }
}

// libFuzzer's own main (linked whole-archive with -sanitize=fuzzer) references this symbol even though
// the driver is started through LLVMFuzzerRunDriver below, so it must exist under its C name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    fuzzReader(bytes)
    fuzzEditPath(bytes)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    guard let data else { return 0 }
    return fuzzOneInput(data, size)
}
unlink(scratchPath)
exit(status)
