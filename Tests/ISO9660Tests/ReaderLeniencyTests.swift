import Foundation
import ISO9660
import Testing
import TestSupport

/// The reader reads what isoinfo and pycdlib read (issue 13): non-ASCII names (ISO level 4, Rock Ridge NM in
/// UTF-8, bytes that are not UTF-8 kept as `\xnn`), a volume date of sixteen '0' digits with any offset byte,
/// a root record whose identifier byte is not 0x00 (with a note in --verify), and a clear refusal of 512-byte
/// logical blocks. `inspect --json` lists directories, empty ones included. Images come from genisoimage and
/// xorriso; listings are compared with isoinfo's and pycdlib's, decoded by Python's UTF-8 decoder.
@Suite("ISO reader leniency: names, dates, root record, block size, directories")
struct ReaderLeniencyTests {
    /// Makes a source tree with `sh` (file names may be bytes that are not UTF-8, which Swift strings cannot
    /// hold) and builds it with `tool arguments… -o image dir`.
    static func build(_ tree: String, with argv: [String], in dir: TemporaryDirectory, name: String = "image.iso") throws -> String {
        let source = dir.file("src-" + name)
        let image = dir.file(name)
        let made = try Peer.run([try Peer.tool("sh"), "-c", "set -e; mkdir -p '\(source)'; cd '\(source)'; \(tree)"])
        try #require(made.status == 0, "\(made.stderr)")
        let built = try Peer.run(argv + ["-o", image, source])
        try #require(built.status == 0, "\(argv[0]): \(built.stderr)")
        return image
    }

    /// vmedia's listing: every entry of `inspect --json` (path, directory flag), sorted.
    static func vmediaListing(_ image: String) throws -> [[String]] {
        let run = try VMediaBinary.run(["inspect", image, "--json"])
        try #require(run.status == 0, "vmedia inspect: \(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let entries = try #require(json["entries"] as? [[String: Any]])
        return entries.map { [($0["path"] as? String) ?? "?", (($0["directory"] as? Bool) ?? false) ? "dir" : "file"] }.sorted { $0[0] < $1[0] }
    }

    /// isoinfo's and pycdlib's listings of the primary tree (Rock Ridge names with `rr`).
    static func peerListings(_ image: String, rockRidge: Bool, in dir: TemporaryDirectory) throws -> (isoinfo: [[String]], pycdlib: [[String]]) {
        let isoinfo = try Peer.tool("isoinfo", package: "genisoimage")
        let listing = try Peer.run([isoinfo, "-l", "-i", image] + (rockRidge ? ["-R"] : []))
        try #require(listing.status == 0, "isoinfo: \(listing.stderr)")
        let listingFile = dir.file("isoinfo-\(UUID().uuidString).txt")
        try listing.stdoutData.write(to: URL(fileURLWithPath: listingFile))
        let python = try Peer.python(module: "pycdlib")
        let script = Peer.packageRoot.appendingPathComponent("Tests/ISO9660Tests/peer_listing.py").path
        let run = try Peer.run([python, script, image, listingFile] + (rockRidge ? ["rr"] : []))
        try #require(run.status == 0, "peer_listing.py: \(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: [[Any]]])
        func rows(_ key: String) -> [[String]] {
            (json[key] ?? []).map { [($0[0] as? String) ?? "?", (($0[1] as? Bool) ?? false) ? "dir" : "file"] }.sorted { $0[0] < $1[0] }
        }
        return (rows("isoinfo"), rows("pycdlib"))
    }

    @Test("ISO level 4 (ISO 9660:1999) names in UTF-8 read as isoinfo and pycdlib read them, directories listed")
    func level4() throws {
        let dir = try TemporaryDirectory()
        let image = try Self.build("printf x > 'FÖO'; mkdir -p 'sub/emptydir' 'Ärger'; printf y > sub/b.txt; printf z > 'Ärger/naïve.txt'",
                                   with: [try Peer.tool("genisoimage"), "-quiet", "-iso-level", "4"], in: dir)
        let descriptors = try Peer.run([try Peer.tool("isoinfo", package: "genisoimage"), "-d", "-i", image])
        #expect(descriptors.status == 0)
        let ours = try Self.vmediaListing(image)
        let peers = try Self.peerListings(image, rockRidge: false, in: dir)
        #expect(ours.contains(["/FÖO", "file"]) && ours.contains(["/Ärger/naïve.txt", "file"]), "\(ours)")
        #expect(ours.contains(["/sub/emptydir", "dir"]), "empty directories are listed: \(ours)")
        #expect(ours == peers.isoinfo, "isoinfo: \(peers.isoinfo)")
        #expect(ours == peers.pycdlib, "pycdlib: \(peers.pycdlib)")
        // The enhanced (version 2) descriptor is recognised, and a file is found by its UTF-8 name.
        let image2 = try ISOImage(path: image)
        #expect(image2.descriptors.contains { $0.kind == "enhanced (ISO 9660:1999)" }, "\(image2.descriptors.map(\.kind))")
        let found = image2.lookup("/Ärger/naïve.txt", namespace: .iso9660)
        let entry = try #require(found, "no /Ärger/naïve.txt")
        #expect(try image2.read(entry) == Array("z".utf8))
        // The path tables name /Ärger in UTF-8 too: checked against the tree, they agree.
        #expect(try image2.verify().map(\.description) == [])
    }

    @Test("Rock Ridge names in UTF-8 and a name that is not UTF-8 (kept as \\xnn, never lost) match isoinfo and pycdlib",
          arguments: ["genisoimage", "xorriso"])
    func rockRidgeNames(tool: String) throws {
        let dir = try TemporaryDirectory()
        let argv = tool == "genisoimage"
            ? [try Peer.tool("genisoimage"), "-quiet", "-R", "-input-charset", "iso8859-1"]
            : [try Peer.tool("xorriso"), "-as", "mkisofs", "-quiet", "-R"]
        let image = try Self.build("printf a > \"$(printf 'caf\\351.txt')\"; printf b > \"$(printf 'caf\\303\\251.txt')\"; "
                                   + "mkdir -p 'dir-ä/empty'; printf c > 'dir-ä/f'; printf d > 'naïve-😀.txt'",
                                   with: argv, in: dir)
        let ours = try Self.vmediaListing(image)
        let peers = try Self.peerListings(image, rockRidge: true, in: dir)
        #expect(ours.contains(["/caf\\xe9.txt", "file"]) && ours.contains(["/café.txt", "file"]), "\(ours)")
        #expect(ours.contains(["/naïve-😀.txt", "file"]) && ours.contains(["/dir-ä/empty", "dir"]), "\(ours)")
        #expect(ours == peers.isoinfo, "isoinfo: \(peers.isoinfo)")
        #expect(ours == peers.pycdlib, "pycdlib: \(peers.pycdlib)")
        // The escaped name finds the file (the bytes are not lost: it is a different file from café.txt).
        let iso = try ISOImage(path: image)
        let escaped = iso.lookup("/caf\\xe9.txt", namespace: .rockRidge), utf8 = iso.lookup("/café.txt", namespace: .rockRidge)
        #expect(try iso.read(try #require(escaped, "no /caf\\xe9.txt")) == Array("a".utf8))
        #expect(try iso.read(try #require(utf8, "no /café.txt")) == Array("b".utf8))
        #expect(try iso.verify().map(\.description) == [])
    }

    /// A plain genisoimage image and the byte offset of its primary volume descriptor.
    static func plainImage(in dir: TemporaryDirectory) throws -> (path: String, data: Data) {
        let image = try build("printf x > A.TXT; mkdir -p D/E; printf y > D/B.TXT", with: [try Peer.tool("genisoimage"), "-quiet"], in: dir)
        return (image, try Data(contentsOf: URL(fileURLWithPath: image)))
    }

    static func patched(_ data: Data, _ edits: [(Int, [UInt8])], to path: String) throws -> String {
        var bytes = [UInt8](data)
        for (offset, replacement) in edits { bytes.replaceSubrange(offset..<(offset + replacement.count), with: replacement) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let pvd = 16 * 2048

    @Test("a volume date of sixteen '0' digits is 'not specified', whatever its offset byte", arguments: [UInt8(0x30), 0x24, 0xF0])
    func unspecifiedDate(offsetByte: UInt8) throws {
        let dir = try TemporaryDirectory()
        let (_, data) = try Self.plainImage(in: dir)
        let zeros = [UInt8](repeating: UInt8(ascii: "0"), count: 16) + [offsetByte]
        // Creation (813) and expiration (847) dates.
        let image = try Self.patched(data, [(Self.pvd + 813, zeros), (Self.pvd + 847, zeros)], to: dir.file("dates.iso"))
        let isoinfo = try Peer.run([try Peer.tool("isoinfo", package: "genisoimage"), "-d", "-i", image])
        #expect(isoinfo.status == 0, "\(isoinfo.stderr)")
        let peers = try Self.peerListings(image, rockRidge: false, in: dir)
        let run = try VMediaBinary.run(["inspect", image, "--json", "--verify"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let volume = try #require(json["volume"] as? [String: Any])
        #expect(volume["creationDate"] == nil || volume["creationDate"] is NSNull, "\(volume)")
        #expect(volume["modificationDate"] as? String != nil)
        #expect(try Self.vmediaListing(image) == peers.pycdlib)
        #expect(try VMediaBinary.run(["inspect", image]).stdout.contains("Created:      not specified"))
    }

    @Test("a root directory record with identifier byte 0x41 reads like isoinfo and pycdlib, with a note in --verify")
    func rootIdentifier() throws {
        let dir = try TemporaryDirectory()
        let (_, data) = try Self.plainImage(in: dir)
        // The root record is at byte 156 of the PVD; its one identifier byte at record offset 33.
        let image = try Self.patched(data, [(Self.pvd + 156 + 33, [0x41])], to: dir.file("root.iso"))
        let peers = try Self.peerListings(image, rockRidge: false, in: dir)
        let ours = try Self.vmediaListing(image)
        #expect(ours == peers.isoinfo && ours == peers.pycdlib, "ours \(ours), isoinfo \(peers.isoinfo), pycdlib \(peers.pycdlib)")
        #expect(ours.contains(["/D/E", "dir"]))
        let verify = try VMediaBinary.run(["inspect", image, "--verify"])
        #expect(verify.status == 0, "a note is not a problem: \(verify.stdout)")
        #expect(verify.stdout.contains("Notes (read past, not counted as problems):"), "\(verify.stdout)")
        #expect(verify.stdout.contains("identifier byte 0x41 instead of 0x00"), "\(verify.stdout)")
        #expect(verify.stdout.contains("Verify: no problems found."))
        let json = try VMediaBinary.run(["inspect", image, "--verify", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        #expect((object["notes"] as? [String])?.count == 1)
        // A sound image has no notes.
        #expect(try ISOImage(path: dir.file("image.iso")).notes.isEmpty)
    }

    @Test("logical block size 512 is refused with a message that says exactly that")
    func blockSize512() throws {
        let dir = try TemporaryDirectory()
        let (_, data) = try Self.plainImage(in: dir)
        let image = try Self.patched(data, [(Self.pvd + 128, [0x00, 0x02, 0x02, 0x00])], to: dir.file("b512.iso"))
        let run = try VMediaBinary.run(["inspect", image])
        #expect(run.status == 1)
        #expect(run.stderr.contains("logical block size 512 bytes is not supported"), "\(run.stderr)")
        #expect(run.stderr.contains("only images with 2048-byte logical blocks and this one declares 512-byte blocks"), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
    }

    @Test("Joliet names: surrogate pairs join; an unpaired surrogate is kept as \\ud800, never replaced")
    func jolietDecoding() throws {
        let dir = try TemporaryDirectory()
        // genisoimage's Joliet is UCS-2 and cuts the name at the emoji; xorriso writes UTF-16 on request.
        let image = try Self.build("printf a > 'x-😀.txt'", with: [try Peer.tool("xorriso"), "-as", "mkisofs", "-quiet", "-J", "-joliet-utf16"], in: dir)
        let iso = try ISOImage(path: image)
        let names = iso.walk(namespace: .joliet).map(\.0)
        #expect(names.contains("/x-😀.txt"), "\(names)")
        // 7-Zip, which reads the Joliet tree, shows the same name.
        let listing = try Peer.run([try Peer.tool("7zz", package: "7zip"), "l", image]).stdout
        #expect(listing.contains("x-😀.txt"), "\(listing)")
        // Replace the low surrogate of the emoji (DE 00) with 'A' (00 41): an unpaired high surrogate.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
        let pattern: [UInt8] = [0xD8, 0x3D, 0xDE, 0x00]
        let at = try #require((0..<(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == pattern })
        bytes.replaceSubrange((at + 2)..<(at + 4), with: [0x00, 0x41])
        let broken = dir.file("broken.iso")
        try Data(bytes).write(to: URL(fileURLWithPath: broken))
        let names2 = try ISOImage(path: broken).walk(namespace: .joliet).map(\.0)
        #expect(names2.contains("/x-\\ud83dA.txt"), "\(names2)")
    }
}
