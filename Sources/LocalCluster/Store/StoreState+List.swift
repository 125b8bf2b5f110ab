import DozeJSON
import Foundation

extension StoreState {
    /// A list, optionally one page of it. The continue token carries the last key returned, so the
    /// next page starts after it (objects created meanwhile before that key are not seen, as with etcd).
    func list(_ gvr: GroupVersionResource, _ options: ListOptions) throws(APIError) -> ObjectList {
        let type = try type(gvr)
        try options.fieldSelector.check(supported: type)
        let namespace = type.namespaced ? options.namespace.flatMap { $0.isEmpty ? nil : $0 } : nil
        var start: String?
        var listRV = revision
        if let token = options.continueToken, !token.isEmpty {
            guard let (rv, key) = Self.decodeContinue(token) else {
                throw .badRequest("continue key is not valid: illegal base64 data")
            }
            start = key
            listRV = rv
        }
        var items: [JSON] = []
        var last: String?
        var remaining = 0
        let limit = options.limit.flatMap { $0 > 0 ? $0 : nil }
        for (key, obj) in sortedObjects(type.groupResource, namespace: namespace,
                                        pinnedName: options.fieldSelector.pinnedName) {
            if let start, key <= start { continue }
            guard options.labelSelector.matches(object: obj), options.fieldSelector.matches(object: obj) else { continue }
            if let limit, items.count >= limit { remaining += 1; continue }
            var o = obj
            if o["apiVersion"].string != gvr.groupVersion { o["apiVersion"] = .string(gvr.groupVersion) }
            items.append(o)
            last = key
        }
        var result = ObjectList(items: items, resourceVersion: String(listRV))
        if remaining > 0, let last {
            result.continueToken = Self.encodeContinue(rv: listRV, key: last)
            if options.labelSelector.isEmpty && options.fieldSelector.isEmpty { result.remainingItemCount = remaining }
        }
        return result
    }

    static func encodeContinue(rv: Int, key: String) -> String {
        let json: JSON = ["v": "meta.k8s.io/v1", "rv": .int(Int64(rv)), "start": .string(key)]
        return Data(json.serializedBytes()).base64EncodedString()
    }

    static func decodeContinue(_ token: String) -> (Int, String)? {
        guard let data = Data(base64Encoded: token), let json = try? JSON(parsing: [UInt8](data)),
              let rv = json["rv"].int, let key = json["start"].string else { return nil }
        return (rv, key)
    }
}
