import Foundation
import Testing
import TestSupport

/// Simulated labs live at 127.0.N.x (BMCs) and 127.0.N+1.x (their ESXi hosts). Two tests with the same N can meet:
/// a lab still stopping answers for the next one, and a host logs in to the other's ESXi (a suite failed this way
/// when the media pre-flight tests reused the readiness tests' subnets). Every lab gets its own N.
@Suite("simulated lab subnets")
struct LabSubnetTests {
    /// Every `subnet: N`, `subnet = N` and `"--subnet", "N"` in the test sources, with where it is.
    static func subnets(in root: URL) throws -> [(subnet: Int, place: String)] {
        let pattern = try NSRegularExpression(pattern: #"subnet(?::|\s=|",\s")\s*"?(\d+)"#)
        var found: [(Int, String)] = []
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift", file.lastPathComponent != "LabSubnetTests.swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = String(line)
                for match in pattern.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                    guard let range = Range(match.range(at: 1), in: line), let subnet = Int(line[range]) else { continue }
                    found.append((subnet, "\(file.lastPathComponent):\(number + 1)"))
                }
            }
        }
        return found
    }

    @Test("no two labs in the tests share a subnet, nor a BMC subnet another lab's ESXi hosts use")
    func subnetsAreUnique() throws {
        let found = try Self.subnets(in: Peer.packageRoot.appendingPathComponent("Tests"))
        #expect(found.count >= 30, "the scan found too little: \(found.count)")
        let byNumber = Dictionary(grouping: found, by: \.subnet)
        let shared = byNumber.filter { $0.value.count > 1 }.map { "\($0.key): \($0.value.map(\.place).joined(separator: ", "))" }
        #expect(shared.isEmpty, "subnets used twice:\n\(shared.sorted().joined(separator: "\n"))")
        let overlapping = found.filter { byNumber[$0.subnet + 1] != nil }.map { "\($0.place) (\($0.subnet)) and \($0.subnet + 1)" }
        #expect(overlapping.isEmpty, "a lab's ESXi subnet is another lab's BMC subnet: \(overlapping)")
    }
}
