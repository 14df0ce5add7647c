import Foundation
@testable import MediaServer
import NIOCore
import TestSupport
import Testing

/// Reads after the installer's power-action mark are kept with their time, reads before it are not, and the status
/// page shows the mark and the evidence the installer sets.
@Suite("Media server: reads after the power action")
struct PowerActionMarkTests {
    @Test("only completed reads that arrive after the mark are kept, with their range and time")
    func readsAfterMark() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let exchange = try EmbeddedExchange(registry: fixture.registry)
        defer { _ = try? exchange.channel.finish() }
        try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=0-4095\r\n\r\n")
        #expect(try exchange.nextResponse().status == 206)
        #expect(fixture.registry.statistics(host: "esx01")?.readsSinceMark == [])
        let mark = try #require(fixture.registry.markPowerAction(host: "esx01"))
        #expect(fixture.registry.markPowerAction(host: "nobody") == nil)
        try exchange.send("GET \(fixture.published.path) HTTP/1.1\r\nHost: a\r\nRange: bytes=8192-12287\r\n\r\n")
        #expect(try exchange.nextResponse().status == 206)
        let stats = try #require(fixture.registry.statistics(host: "esx01"))
        #expect(stats.markTime == mark)
        #expect(stats.readsSinceMark.map(\.range) == [8192..<12288])
        #expect(stats.readsSinceMark.allSatisfy { $0.time >= mark && $0.peer == "127.0.0.1" })
        #expect(stats.bytesSinceMark == 4096 && stats.bytesServed == 8192)
        // A new mark (a second power action) starts over.
        fixture.registry.markPowerAction(host: "esx01")
        #expect(fixture.registry.statistics(host: "esx01")?.readsSinceMark == [])
    }

    @Test("/status.json and the HTML page show the power action and the evidence text, escaped")
    func statusShowsEvidence() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(directory: directory)
        let page = StatusPage(registry: fixture.registry, startedAt: 0, refreshSeconds: 2)
        let now = HTTPDate(secondsSince1970: 1_700_000_000)
        var json = page.json(now: now)
        #expect(json.readString(length: json.readableBytes)?.contains("\"powerActionAt\":null,\"bytesSincePowerAction\":0,\"evidence\":null") == true)
        fixture.registry.markPowerAction(host: "esx01")
        fixture.registry.setEvidence(host: "esx01", "booted our image: KS.CFG read 14:02:11, 71/80 modules <&>")
        json = page.json(now: now)
        let text = json.readString(length: json.readableBytes) ?? ""
        #expect(text.contains("\"evidence\":\"booted our image: KS.CFG read 14:02:11, 71/80 modules <&>\""), "\(text)")
        #expect(!text.contains("\"powerActionAt\":null"))
        var html = page.html(now: now)
        #expect(html.readString(length: html.readableBytes)?.contains("<td class=\"evidence\">booted our image: KS.CFG read 14:02:11, 71/80 modules &lt;&amp;&gt;</td>") == true)
    }
}
