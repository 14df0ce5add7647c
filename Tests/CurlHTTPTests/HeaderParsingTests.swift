@testable import CurlHTTP
import Foundation
import Testing

@Suite("CurlHTTP header lines")
struct HeaderParsingTests {
    /// Raw lines as libcurl hands them to the header callback, including the awkward ones.
    static let blocks: [[String]] = [
        ["HTTP/1.1 200 OK\r\n", "Content-Type: application/json; charset=utf-8\r\n", "ETag: W/\"1234\"\r\n", "\r\n"],
        ["HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 201 Created\r\n", "Location: /redfish/v1/SessionService/Sessions/7\r\n",
         "X-Auth-Token:abc\r\n", "\r\n"],
        ["HTTP/1.1 200 OK\r\n", "  Odd-Spacing \t:\t value with  inner  spaces \t\r\n", "Empty:\r\n", "no colon here\r\n",
         "Time: 12:30:00\r\n", "\u{0B}VT-Trimmed: yes\u{0C}\r\n", "\n"],
        ["HTTP/1.1 200 OK\r\n", "X-Name: caf\u{E9} \u{00A0}\r\n", "\u{00A0}Lead: nbsp\r\n", "Server: \u{2003}iLO\u{2003}\r\n"],
    ]

    @Test("the byte parser gives exactly the headers the String parser gives", arguments: blocks)
    func sameHeaders(lines: [String]) throws {
        let bytes = try Transfer(request: HTTPRequest(method: "GET", url: "http://127.0.0.1/"))
        let strings = try Transfer(request: HTTPRequest(method: "GET", url: "http://127.0.0.1/"))
        for line in lines {
            Array(line.utf8).withUnsafeBytes { bytes.headerBytes($0) }
            strings.headerLine(line)
        }
        #expect(bytes.headers.map { "\($0.name)|\($0.value)" } == strings.headers.map { "\($0.name)|\($0.value)" })
        #expect(!bytes.headers.isEmpty)
    }

    @Test("a status line starts a new header block; names and values are trimmed")
    func values() throws {
        let transfer = try Transfer(request: HTTPRequest(method: "GET", url: "http://127.0.0.1/"))
        for line in Self.blocks[1] + Self.blocks[2] { Array(line.utf8).withUnsafeBytes { transfer.headerBytes($0) } }
        #expect(transfer.headers.map { "\($0.name)|\($0.value)" }
                == ["Odd-Spacing|value with  inner  spaces", "Empty|", "Time|12:30:00", "VT-Trimmed|yes"])
    }
}
