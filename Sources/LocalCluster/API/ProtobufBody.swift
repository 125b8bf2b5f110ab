import DozeJSON
import Foundation

/// Decodes the Kubernetes protobuf request bodies kubectl 1.3x sends for a few built-in kinds
/// (`kubectl create namespace|configmap|secret` use a protobuf client): the `k8s\0` envelope
/// around a `runtime.Unknown`, whose raw bytes are the object. Only the fields those commands
/// set are known; other kinds are refused with 415 and the client must send JSON.
enum ProtobufBody {
    static let contentType = "application/vnd.kubernetes.protobuf"

    indirect enum Field: Sendable {
        case string, bytes, int, bool, stringList
        case message([Int: (String, Field)])
        case map(Field)
        case messageList([Int: (String, Field)])
    }

    static let ownerReference: [Int: (String, Field)] = [
        1: ("kind", .string), 3: ("name", .string), 4: ("uid", .string), 5: ("apiVersion", .string),
        6: ("controller", .bool), 7: ("blockOwnerDeletion", .bool),
    ]
    static let objectMeta: [Int: (String, Field)] = [
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 5: ("uid", .string),
        6: ("resourceVersion", .string), 11: ("labels", .map(.string)), 12: ("annotations", .map(.string)),
        13: ("ownerReferences", .messageList(ownerReference)), 14: ("finalizers", .stringList),
    ]
    static let container: [Int: (String, Field)] = [
        1: ("name", .string), 2: ("image", .string), 3: ("command", .stringList), 4: ("args", .stringList),
        5: ("workingDir", .string), 6: ("ports", .messageList([1: ("name", .string), 3: ("containerPort", .int), 4: ("protocol", .string)])),
        7: ("env", .messageList([1: ("name", .string), 2: ("value", .string)])), 14: ("imagePullPolicy", .string),
    ]
    static let podTemplate: [Int: (String, Field)] = [
        1: ("metadata", .message(objectMeta)), 2: ("spec", .message([2: ("containers", .messageList(container))])),
    ]
    /// What `kubectl create deployment NAME --image=I [--replicas=N] [--port=P] [-- COMMAND]` sends.
    static let deploymentSpec: [Int: (String, Field)] = [
        1: ("replicas", .int), 2: ("selector", .message([1: ("matchLabels", .map(.string))])),
        3: ("template", .message(podTemplate)), 4: ("strategy", .message([1: ("type", .string)])),
    ]
    static let kinds: [String: [Int: (String, Field)]] = [
        "Deployment": [1: ("metadata", .message(objectMeta)), 2: ("spec", .message(deploymentSpec))],
        "Namespace": [1: ("metadata", .message(objectMeta)), 2: ("spec", .message([1: ("finalizers", .stringList)]))],
        "ConfigMap": [1: ("metadata", .message(objectMeta)), 2: ("data", .map(.string)), 3: ("binaryData", .map(.bytes)),
                      4: ("immutable", .bool)],
        "Secret": [1: ("metadata", .message(objectMeta)), 2: ("data", .map(.bytes)), 3: ("type", .string),
                   4: ("stringData", .map(.string)), 5: ("immutable", .bool)],
    ]

    /// The object as JSON, or nil when the bytes or the kind are not understood.
    static func decode(_ body: [UInt8], kind: String) -> JSON? {
        guard body.count > 4, body[0..<4].elementsEqual([0x6B, 0x38, 0x73, 0x00]), let schema = kinds[kind] else { return nil }
        var reader = Reader(bytes: body[4...])
        var raw: ArraySlice<UInt8>?
        var typeMeta = JSON.emptyObject
        while let (number, value) = reader.next() {
            guard case .bytes(let b) = value else { continue }
            if number == 2 { raw = b }
            if number == 1, let tm = message(b, [1: ("apiVersion", .string), 2: ("kind", .string)]) { typeMeta = tm }
        }
        guard let raw, var obj = message(raw, schema) else { return nil }
        obj["apiVersion"] = typeMeta["apiVersion"]
        obj["kind"] = typeMeta["kind"]
        return obj
    }

    static func message(_ bytes: ArraySlice<UInt8>, _ fields: [Int: (String, Field)]) -> JSON? {
        var reader = Reader(bytes: bytes)
        var obj = JSON.emptyObject
        while let (number, value) = reader.next() {
            guard let (name, field) = fields[number] else { continue }
            switch (field, value) {
            // proto2 sends unset strings as "", which JSON's omitempty would leave out.
            case (.string, .bytes(let b)): if !b.isEmpty { obj[name] = .string(String(decoding: b, as: UTF8.self)) }
            case (.bytes, .bytes(let b)): obj[name] = .string(Data(b).base64EncodedString())
            case (.int, .varint(let v)): obj[name] = .int(Int64(bitPattern: v))
            case (.bool, .varint(let v)): obj[name] = .bool(v != 0)
            case (.stringList, .bytes(let b)):
                obj[name] = .array((obj[name].array ?? []) + [.string(String(decoding: b, as: UTF8.self))])
            case (.message(let sub), .bytes(let b)): obj[name] = message(b, sub) ?? .emptyObject
            case (.messageList(let sub), .bytes(let b)):
                obj[name] = .array((obj[name].array ?? []) + [message(b, sub) ?? .emptyObject])
            case (.map(let valueField), .bytes(let b)):
                guard let entry = message(b, [1: ("k", .string), 2: ("v", valueField)]) else { return nil }
                obj[name][entry["k"].string ?? ""] = entry["v"].isNull ? "" : entry["v"]
            default: return nil
            }
        }
        return obj
    }

    enum Value { case varint(UInt64), bytes(ArraySlice<UInt8>), other }

    /// Reads (field number, value) pairs of protobuf wire format.
    struct Reader {
        var bytes: ArraySlice<UInt8>

        mutating func varint() -> UInt64? {
            var result: UInt64 = 0, shift: UInt64 = 0
            while let b = bytes.popFirst() {
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
                if shift > 63 { return nil }
            }
            return nil
        }

        mutating func next() -> (Int, Value)? {
            guard !bytes.isEmpty, let key = varint() else { return nil }
            switch key & 7 {
            case 0: return varint().map { (Int(key >> 3), .varint($0)) }
            case 2:
                guard let n = varint(), n <= bytes.count else { return nil }
                let b = bytes.prefix(Int(n))
                bytes = bytes.dropFirst(Int(n))
                return (Int(key >> 3), .bytes(b))
            case 1: guard bytes.count >= 8 else { return nil }; bytes = bytes.dropFirst(8); return (Int(key >> 3), .other)
            case 5: guard bytes.count >= 4 else { return nil }; bytes = bytes.dropFirst(4); return (Int(key >> 3), .other)
            default: return nil
            }
        }
    }
}
