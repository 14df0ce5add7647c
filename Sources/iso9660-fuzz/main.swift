// libFuzzer target for the ISO 9660 reader: every input is an image. Opening, verifying, walking every
// name space, looking paths up and reading file heads must end in a value or an ISO9660Error, never a
// crash, a hang or an unbounded allocation.
//
// Build and run: bash Tests/Fuzz/run.sh [seconds]. In a plain `swift build` the executable replays the
// files named on its command line instead (see Sources/CLibFuzzer/replay.c).
import CLibFuzzer
import ISO9660

#if canImport(Glibc)
import Glibc
#endif

// libFuzzer's own main (linked whole-archive with -sanitize=fuzzer) references this symbol even though
// the driver is started through LLVMFuzzerRunDriver below, so it must exist under its C name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let source = ByteArraySectorSource(Array(UnsafeBufferPointer(start: data, count: size)))
    guard let image = try? ISOImage(source: source) else { return 0 }
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
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    guard let data else { return 0 }
    return fuzzOneInput(data, size)
})
