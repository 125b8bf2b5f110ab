/// A minimal OpenAPI v2 document, which kubectl up to 1.28 fetches (as gnostic protobuf) before a
/// client-side `apply`. It declares no definitions, so kubectl computes strategic merge patches
/// from its compiled-in types, as it does when a kind is missing from the schema.
enum OpenAPIv2Document {
    static let protobufType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

    static let json = #"{"swagger":"2.0","info":{"title":"Kubernetes","version":"v1.33.0-doze"},"paths":{},"definitions":{}}"#

    /// openapi_v2.Document { swagger = 1; info = 2 { title = 1; version = 2 }; paths = 8 {} }.
    static let protobuf: [UInt8] = {
        let info = field(1, Array("Kubernetes".utf8)) + field(2, Array("v1.33.0-doze".utf8))
        return field(1, Array("2.0".utf8)) + field(2, info) + field(8, [])
    }()

    /// A length-delimited protobuf field (wire type 2); lengths here stay below 128.
    static func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [number << 3 | 2, UInt8(payload.count)] + payload
    }
}
