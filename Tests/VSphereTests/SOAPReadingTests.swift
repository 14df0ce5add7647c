import Foundation
import Testing
import VSphere

/// The SOAP reader and the xsd:dateTime reader on the shapes ESXi, vCenter and govmomi write.
@Suite("SOAP and xsd:dateTime reading")
struct SOAPReadingTests {
    @Test("prefixes are dropped, a reference keeps its type next to xsi:type, entities and CDATA decode")
    func elements() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- hostd -->
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
            <soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects>
            <obj type="HostSystem">ha-host</obj>
            <propSet><name>configManager.serviceSystem</name><val type="HostServiceSystem" xsi:type="ManagedObjectReference">serviceSystem</val></propSet>
            <propSet><name>name</name><val XMLSchema-instance:type="xsd:string">a&amp;b &lt;c&gt; &#x41;&#66;<![CDATA[<raw & text>]]></val></propSet>
            <empty/>
            </objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>
            """
        let envelope = try SOAPElement.parse(text)
        #expect(envelope.name == "Envelope")
        let objects = try #require(envelope.find("Body/RetrievePropertiesExResponse/returnval/objects"))
        #expect(ManagedObjectReference(objects.child("obj")) == .standaloneHost)
        let sets = objects.children("propSet")
        #expect(sets.count == 2)
        #expect(ManagedObjectReference(sets[0].child("val")) == ManagedObjectReference(type: "HostServiceSystem", value: "serviceSystem"))
        #expect(sets[0].child("val")?.attributes["xsi:type"] == "ManagedObjectReference")
        #expect(sets[1].child("val")?.text == "a&b <c> AB<raw & text>")
        #expect(sets[1].child("val")?.attributes["xsi:type"] == "xsd:string")
        #expect(objects.child("empty") == SOAPElement(name: "empty"))
    }

    @Test("malformed input and DTDs are refused, never expanded")
    func refusals() {
        for text in ["", "<a><b></a>", "<a>", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>", "<a b=c></a>"] {
            #expect(throws: (any Error).self, "\(text)") { try SOAPElement.parse(text) }
        }
        #expect(SOAPText.unescape("&unknown; &amp") == "&unknown; &amp")
        #expect(SOAPText.escape("<p&w'\">") == "&lt;p&amp;w&apos;&quot;&gt;")
    }

    @Test("xsd:dateTime as hostd, vCenter and Go write it")
    func dates() throws {
        let base = try #require(VSphereDate.parse("2026-12-04T09:12:03Z"))
        #expect(base.timeIntervalSince1970 == 1_796_375_523)
        #expect(VSphereDate.parse("2026-12-04T09:12:03.5Z")?.timeIntervalSince(base) == 0.5)
        let go = try #require(VSphereDate.parse("2026-12-04T09:12:03.123456789Z"))
        #expect(abs(go.timeIntervalSince(base) - 0.123456789) < 1e-6)
        #expect(VSphereDate.parse("2026-12-04T10:12:03+01:00") == base)
        #expect(VSphereDate.parse("2026-12-04T04:42:03-04:30") == base)
        #expect(VSphereDate.parse(VSphereDate.format(go)).map { abs($0.timeIntervalSince(go)) < 0.001 } == true)
        for bad in ["", "2026-12-04", "2026-12-04T09:12:03Q", "2026-12-04 09:12:03Z", "2026-12-04T09:12:03+0100"] {
            #expect(VSphereDate.parse(bad) == nil, "\(bad)")
        }
    }
}
