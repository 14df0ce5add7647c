import Primitives
import Testing

@Suite("Primitives: civil dates, IPv4, host names, SplitMix64, Locked")
struct PrimitivesTests {
    @Test("Civil dates: known days, leap years, before 1970, and a round trip over 800 years")
    func civilDates() {
        #expect(CivilDate(daysSince1970: 0) == CivilDate(year: 1970, month: 1, day: 1))
        #expect(CivilDate(daysSince1970: -1) == CivilDate(year: 1969, month: 12, day: 31))
        #expect(CivilDate(year: 2000, month: 2, day: 29).daysSince1970 == 11_016)
        #expect(CivilDate(daysSince1970: 11_017) == CivilDate(year: 2000, month: 3, day: 1))
        #expect(CivilDate(year: 1900, month: 3, day: 1).daysSince1970 - CivilDate(year: 1900, month: 2, day: 28).daysSince1970 == 1)
        #expect(CivilDate.days(ofSecondsSince1970: -1) == -1 && CivilDate.days(ofSecondsSince1970: 86_399) == 0)
        for days in stride(from: Int64(-146_097), through: 146_097, by: 97) {
            #expect(CivilDate(daysSince1970: CivilDate(daysSince1970: days).daysSince1970) == CivilDate(daysSince1970: days))
        }
    }

    @Test("IPv4 dotted quads are strict and host names follow RFC 1123")
    func addressesAndNames() {
        #expect(IPv4Address("10.172.70.186")?.description == "10.172.70.186")
        for bad in ["10.0.0", "010.0.0.1", "256.0.0.1", "1.2.3.4.5", ""] { #expect(IPv4Address(bad) == nil) }
        #expect(IPv4Address("127.0.0.1")?.specialPurpose == "loopback")
        #expect(HostName.problem("esx01.lab.example") == nil)
        #expect(HostName.problem("-esx")?.contains("starts or ends with '-'") == true)
        #expect(HostName.problem("esx_01")?.contains("RFC 1123") == true)
    }

    @Test("SplitMix64 gives the reference stream for seed 0 (Vigna's splitmix64.c)")
    func splitMix() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test("Locked serialises concurrent updates")
    func locked() async {
        let counter = Locked(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { for _ in 0..<1000 { counter.withLock { $0 += 1 } } } }
        }
        #expect(counter.withLock { $0 } == 8000)
    }
}
