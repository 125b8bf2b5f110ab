import DozeJSON
import HTTPCore

extension RequestContext {
    func get(_ name: String) throws(APIError) -> HTTPResponse {
        let obj = try store.get(gvr, namespace: namespace, name: name)
        if wantsTable {
            return respond(try table(for: [obj], resourceVersion: obj["metadata"]["resourceVersion"].string ?? "", continueToken: nil))
        }
        return respond(obj)
    }

    func listOptions() throws(APIError) -> ListOptions {
        let labels = try query["labelSelector"].map { (t) throws(APIError) in try LabelSelector(parsing: t) } ?? .everything
        let fields = try query["fieldSelector"].map { (t) throws(APIError) in try FieldSelector(parsing: t) } ?? .everything
        return ListOptions(namespace: namespace, labelSelector: labels, fieldSelector: fields,
                           limit: query.int("limit"), continueToken: query["continue"])
    }

    func list() throws(APIError) -> HTTPResponse {
        if query["resourceVersionMatch"] != nil, (query["resourceVersion"] ?? "").isEmpty {
            throw .invalid(kind: "ListOptions", group: "meta.k8s.io", name: "", causes: [
                .init(reason: "FieldValueForbidden", message: "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                      field: "resourceVersionMatch")])
        }
        let page = try store.list(gvr, try listOptions())
        if wantsTable { return respond(try table(for: page.items, resourceVersion: page.resourceVersion, continueToken: page.continueToken)) }
        var meta: JSON = ["resourceVersion": .string(page.resourceVersion)]
        if let c = page.continueToken { meta["continue"] = .string(c) }
        if let r = page.remainingItemCount { meta["remainingItemCount"] = .int(Int64(r)) }
        let items = page.items.map { o -> JSON in
            var i = o
            i["apiVersion"] = .string(gvr.groupVersion)
            i["kind"] = .string(type.kind)
            return i
        }
        return respond(["kind": .string(type.listKind), "apiVersion": .string(gvr.groupVersion),
                        "metadata": meta, "items": .array(items)])
    }

    func table(for objects: [JSON], resourceVersion: String, continueToken: String?) throws(APIError) -> JSON {
        let include = query["includeObject"] ?? "Metadata"
        guard ["None", "Metadata", "Object"].contains(include) else {
            throw .badRequest("includeObject: Unsupported value: \"\(include)\": supported values: \"Metadata\", \"None\", \"Object\"")
        }
        return TableConverter(type: type, now: store.now()).table(objects, include: include,
                                                                 resourceVersion: resourceVersion, continueToken: continueToken)
    }
}
