import DozeJSON

/// Resource amounts as users write them (OpenRun's Docker-style `512m`, Kubernetes `512Mi`),
/// normalised to one canonical Kubernetes quantity string so that the same amount always renders
/// the same bytes into the Deployment (and so the same pod-template hash), in the form the API
/// server itself returns.
public enum Quantity {
    /// CPU: `2`, `0.5`, `500m` (also a JSON number). Canonical: whole cores as `2`, else
    /// millicores as `500m`. nil when malformed, zero, finer than 1m or above 1024 cores.
    public static func cpu(_ value: JSON) -> String? {
        let text: String
        switch value {
        case .int(let i): text = String(i)
        case .double(let d) where d.isFinite && d >= 0: text = String(d)
        case .string(let s): text = s
        default: return nil
        }
        guard let milli = cpuMillis(text), milli > 0, milli <= 1_024_000 else { return nil }
        return milli % 1000 == 0 ? String(milli / 1000) : "\(milli)m"
    }

    static func cpuMillis(_ text: String) -> Int64? {
        if text.hasSuffix("m") {
            let digits = text.dropLast()
            guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int64(digits)
        }
        guard let (whole, frac, scale) = decimal(text), scale <= 1000 else { return nil }
        return whole * 1000 + frac * (1000 / scale)
    }

    /// Bytes: memory or storage. Docker style (lowercase `b`, `k`, `m`, `g`, `t`, optionally
    /// followed by `b`) counts in powers of 1024, as OpenRun does, so `512m` is 512 MiB and `64k`
    /// 64 KiB; Kubernetes binary (`Ki`…`Ei`) and decimal (`M`, `G`, `T`, `P`, `E`) suffixes keep
    /// their meaning; a bare number is bytes (decimal, as Kubernetes reads it). Canonical: the largest suffix of the same family that divides exactly.
    public static func bytes(_ value: JSON) -> (bytes: Int64, canonical: String)? {
        let text: String
        switch value {
        case .int(let i): text = String(i)
        case .string(let s): text = s
        default: return nil
        }
        guard let (number, suffix) = split(text), let (whole, frac, scale) = decimal(number),
              let (multiplier, binary) = multiplier(suffix)
        else { return nil }
        let (w, o1) = whole.multipliedReportingOverflow(by: multiplier)
        let (f, o2) = frac.multipliedReportingOverflow(by: multiplier)
        guard !o1, !o2, f % scale == 0, w <= Int64.max - f / scale else { return nil }
        let total = w + f / scale
        return (total, canonical(total, binary: binary))
    }

    private static func split(_ text: String) -> (Substring, Substring)? {
        guard let end = text.firstIndex(where: { !$0.isASCIIDigit && $0 != "." }) else { return (text[...], "") }
        return (text[..<end], text[end...])
    }

    /// `12`, `0.5` → (whole, fraction digits as an integer, 10^count); nil for anything else.
    private static func decimal<S: StringProtocol>(_ s: S) -> (Int64, Int64, Int64)? {
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, first.count <= 15, first.allSatisfy(\.isASCIIDigit),
              let whole = Int64(first) else { return nil }
        guard parts.count == 2 else { return (whole, 0, 1) }
        let fraction = parts[1]
        guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(\.isASCIIDigit),
              let f = Int64(fraction) else { return nil }
        return (whole, f, Int64(pow10(fraction.count)))
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }

    private static let binaryUnits: [(String, Int64)] =
        [("Ei", 1 << 60), ("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)]
    private static let decimalUnits: [(String, Int64)] =
        [("E", 1_000_000_000_000_000_000), ("P", 1_000_000_000_000_000), ("T", 1_000_000_000_000),
         ("G", 1_000_000_000), ("M", 1_000_000)]
    private static let dockerUnits: [String: Int64] =
        ["b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40]

    /// The suffix's multiplier and whether it counts in powers of 1024.
    private static func multiplier(_ suffix: Substring) -> (Int64, Bool)? {
        // A bare number is decimal, as Kubernetes reads it (so it canonicalises `1000` to `1k`).
        if suffix.isEmpty { return (1, false) }
        if let u = binaryUnits.first(where: { $0.0 == suffix }) { return (u.1, true) }
        // Lowercase letters are Docker's (so `k` is 1024, not Kubernetes' 1000): OpenRun users
        // write `512m` and `64k` meaning binary units, and one family per case is easy to explain.
        var docker = suffix
        if docker.count == 2, docker.last == "b" { docker = docker.dropLast() }
        if let m = dockerUnits[String(docker)] { return (m, true) }
        if let u = decimalUnits.first(where: { $0.0 == suffix }) { return (u.1, false) }
        return nil
    }

    /// The API server's canonical form of the amount (largest exact suffix of the quantity's own
    /// family), so a Deployment read back compares equal to the rendered one. Decimal output uses
    /// `k` although input `k` means KiB: the output is for Kubernetes, not for users.
    private static func canonical(_ bytes: Int64, binary: Bool) -> String {
        guard bytes > 0 else { return "0" }
        for (unit, size) in binary ? binaryUnits : decimalUnits + [("k", 1000)] where bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return String(bytes)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
