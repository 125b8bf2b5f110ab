import Testing
@testable import Proxy

@Suite struct CIDRTests {
    @Test func parsesAddresses() {
        #expect(IPAddress("10.1.2.3")?.description == "10.1.2.3")
        #expect(IPAddress("::1")?.description == "::1")
        #expect(IPAddress("[fd00::2]")?.description == "fd00::2")
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        #expect(IPAddress("10.1.2") == nil)
        #expect(IPAddress("300.1.2.3") == nil)
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress("::ffff:10.0.0.1") == IPAddress("10.0.0.1"), "mapped IPv4 is the same address")
    }

    @Test func parsesPeerStrings() {
        #expect(IPAddress(peer: "127.0.0.1:5555") == IPAddress("127.0.0.1"))
        #expect(IPAddress(peer: "[::1]:5555") == IPAddress("::1"))
        #expect(IPAddress(peer: "::1") == IPAddress("::1"))
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.7", "192.168.1.7", true), ("192.168.1.7", "192.168.1.8", false),
        ("0.0.0.0/0", "8.8.8.8", true), ("0.0.0.0/0", "::1", false),
        ("172.16.0.0/12", "172.31.255.255", true), ("172.16.0.0/12", "172.32.0.0", false),
        ("fd00::/8", "fd12:3456::1", true), ("fd00::/8", "fe80::1", false),
        ("::/0", "2001:db8::1", true), ("2001:db8::/127", "2001:db8::1", true),
        ("2001:db8::/128", "2001:db8::1", false), ("2001:db8:0:0:8000::/65", "2001:db8::8000:0:0:1", true),
        ("10.0.0.0/8", "::ffff:10.1.1.1", true),
    ])
    func matching(cidr: String, address: String, expected: Bool) throws {
        let range = try #require(CIDR(cidr))
        #expect(range.contains(try #require(IPAddress(address))) == expected)
    }

    @Test func normalisesTheNetwork() {
        #expect(CIDR("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(CIDR("fd12::1/16")?.description == "fd12::/16")
    }

    @Test func rejectsBadRanges() {
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/8/1", "x/8", ""] { #expect(CIDR(bad) == nil, "\(bad)") }
    }

    @Test func parsesTheFlagList() throws {
        #expect(try CIDR.parseList("10.0.0.0/8, ::1").map(\.description) == ["10.0.0.0/8", "::1/128"])
        #expect(throws: CIDRListError(item: "nope")) { try CIDR.parseList("10.0.0.0/8,nope") }
    }
}
