import DozeJSON

extension App {
    /// One Secret per secretTemplate volume, holding the rendered file under one key, owned by the
    /// App. Written as base64 `data`, not `stringData`: stringData is write-only, so applying it
    /// would never match what the server returns.
    func templateSecrets() -> [JSON] {
        spec.volumes.compactMap { v in
            guard case .template(_, let content) = v.source else { return nil }
            var s = child("v1", "Secret", name: templateSecretName(mountPath: v.mountPath))
            s["type"] = "Opaque"
            s["data"] = [App.templateKey(mountPath: v.mountPath): .string(Base64.encode(Array(content.utf8)))]
            return s
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4), as Kubernetes expects in Secret data.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let b0 = UInt32(bytes[i]), b1 = n > 1 ? UInt32(bytes[i + 1]) : 0, b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
            let v = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(v & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
