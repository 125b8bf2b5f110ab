import DozeJSON
import Testing
@testable import Controller

@Suite struct QuantityTests {
    @Test(arguments: [
        (JSON.string("2"), "2"), ("0.5", "500m"), ("500m", "500m"), ("1.5", "1500m"), ("0.001", "1m"),
        (JSON.int(3), "3"), (JSON.double(0.25), "250m"), ("1000m", "1"), ("2.0", "2"),
    ])
    func cpu(_ input: JSON, _ canonical: String) {
        #expect(Quantity.cpu(input) == canonical)
    }

    @Test(arguments: [JSON.string(""), "abc", "1.5m", "0.0001", "-1", "0", "0m", "1e3", ".5", "2 ", "1025", JSON.bool(true)])
    func badCPU(_ input: JSON) {
        #expect(Quantity.cpu(input) == nil)
    }

    /// Docker style counts in 1024s (OpenRun's `512m` is 512 MiB); Kubernetes suffixes keep their meaning.
    @Test(arguments: [
        ("512m", 512 << 20, "512Mi"), ("1g", 1 << 30, "1Gi"), ("1.5g", 3 << 29, "1536Mi"), ("512mb", 512 << 20, "512Mi"),
        ("64k", 64 << 10, "64Ki"), ("2t", 2 << 40, "2Ti"), ("1024b", 1024, "1Ki"),
        ("512Mi", 512 << 20, "512Mi"), ("1Gi", 1 << 30, "1Gi"), ("1.5Gi", 3 << 29, "1536Mi"),
        ("1G", 1_000_000_000, "1G"), ("500M", 500_000_000, "500M"), ("1.5G", 1_500_000_000, "1500M"), ("2k", 2048, "2Ki"), ("1000M", 1_000_000_000, "1G"),
        ("1000", 1000, "1k"), ("1048576", 1 << 20, "1048576"), ("12000000", 12_000_000, "12M"),
    ] as [(String, Int64, String)])
    func bytes(_ input: String, _ bytes: Int64, _ canonical: String) {
        let q = Quantity.bytes(.string(input))
        #expect(q?.bytes == bytes)
        #expect(q?.canonical == canonical)
    }

    @Test(arguments: ["", "12x", "1K", "1mi", "Mi", "1.5", "0.5b", "1..5g", "1gg", "-1g", "1 g", "99999999999999999g"])
    func badBytes(_ input: String) {
        #expect(Quantity.bytes(.string(input)) == nil)
    }
}

@Suite struct DurationTests {
    @Test(arguments: [
        ("180s", 180_000), ("3m", 180_000), ("1h30m", 5_400_000), ("500ms", 500), ("1.5h", 5_400_000),
        ("1m30s", 90_000), ("0.5s", 500), ("2h0m0s", 7_200_000), ("1s500ms", 1500),
    ] as [(String, Int64)])
    func parses(_ text: String, _ ms: Int64) {
        #expect(AppDuration(parsing: text)?.milliseconds == ms)
    }

    @Test(arguments: ["", "3", "3 m", "1d", "1.5ms", "m", "1.s", "-1s", "1h 30m", "9999999999h", "10000h"])
    func rejects(_ text: String) {
        #expect(AppDuration(parsing: text) == nil)
    }

    @Test func canonicalText() {
        #expect(AppDuration(milliseconds: 5_400_000).description == "1h30m")
        #expect(AppDuration(milliseconds: 1500).description == "1s500ms")
        #expect(AppDuration.seconds(0).description == "0s")
    }
}
