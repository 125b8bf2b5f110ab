import DozeJSON
import Foundation

/// core/v1 Secret. `data` values are base64 on the wire; the accessors here decode them.
public struct Secret: KubeObject {
    public static let resourceType = ResourceType.secret
    public var json: JSON
    public init(json: JSON) { self.json = json }

    /// `Opaque`, `kubernetes.io/tls`...
    public var type: String? { get { string("type") } set { set("type", newValue) } }
    public var immutable: Bool? { get { bool("immutable") } set { set("immutable", newValue) } }

    /// Decoded `data`; entries that are not valid base64 are left out.
    public var data: [String: [UInt8]] {
        get {
            stringMap("data").compactMapValues { Data(base64Encoded: $0).map { [UInt8]($0) } }
        }
        set { set("data", newValue.mapValues { Data($0).base64EncodedString() }) }
    }

    /// Write-only convenience on the server: merged into `data` and never read back.
    public var stringData: [String: String] { get { stringMap("stringData") } set { set("stringData", newValue) } }

    /// One decoded value as UTF-8 text.
    public func string(forKey key: String) -> String? {
        data[key].map { String(decoding: $0, as: UTF8.self) }
    }
}
