import DozeJSON

/// core/v1 ConfigMap.
public struct ConfigMap: KubeObject {
    public static let resourceType = ResourceType.configMap
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var data: [String: String] { get { stringMap("data") } set { set("data", newValue) } }
    /// base64 values, as on the wire.
    public var binaryData: [String: String] { get { stringMap("binaryData") } set { set("binaryData", newValue) } }
    public var immutable: Bool? { get { bool("immutable") } set { set("immutable", newValue) } }
}
