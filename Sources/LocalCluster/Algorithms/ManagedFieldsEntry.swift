import DozeJSON

/// One `metadata.managedFields` element: who (manager, operation Apply/Update, subresource)
/// owns which fields (FieldsV1), from which apiVersion, since when.
struct ManagedFieldsEntry: Sendable, Equatable {
    var manager: String
    var operation: String
    var apiVersion: String
    var time: String
    var subresource: String?
    var fields: FieldSet

    /// Managers are told apart by name, operation and subresource, as upstream does.
    func isSame(manager m: String, operation op: String, subresource sub: String?) -> Bool {
        manager == m && operation == op && (subresource ?? "") == (sub ?? "")
    }

    init(manager: String, operation: String, apiVersion: String, time: String, subresource: String?, fields: FieldSet) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.subresource = subresource
        self.fields = fields
    }

    init?(json: JSON) {
        guard let manager = json["manager"].string ?? Optional(""), let op = json["operation"].string else { return nil }
        self.manager = manager
        operation = op
        apiVersion = json["apiVersion"].string ?? ""
        time = json["time"].string ?? ""
        subresource = json["subresource"].string
        fields = FieldSet(fieldsV1: json["fieldsV1"])
    }

    var json: JSON {
        var o: JSON = [
            "manager": .string(manager), "operation": .string(operation), "apiVersion": .string(apiVersion),
            "fieldsType": "FieldsV1", "fieldsV1": fields.fieldsV1,
        ]
        if !time.isEmpty { o["time"] = .string(time) }
        if let subresource, !subresource.isEmpty { o["subresource"] = .string(subresource) }
        return o
    }

    /// How conflict messages name this manager: `"kubectl"` for Apply, `"mgr" using apps/v1`
    /// for Update, `"mgr" with subresource "scale" using apps/v1` for subresource writes.
    var printedName: String {
        var s = JSON.goQuote(manager)
        if let subresource, !subresource.isEmpty { s += " with subresource \(JSON.goQuote(subresource))" }
        if operation != "Apply" { s += " using \(apiVersion)" }
        return s
    }

    static func parse(_ managedFields: JSON) -> [ManagedFieldsEntry] {
        (managedFields.array ?? []).compactMap(ManagedFieldsEntry.init(json:))
    }

    /// The entries as stored, or `.null` when there are none (so setting it removes the key).
    /// Upstream's order: Apply before Update, then by time, manager and apiVersion.
    static func serialize(_ entries: [ManagedFieldsEntry]) -> JSON {
        let kept = entries.filter { !$0.fields.isEmpty }.enumerated().sorted { a, b in
            let (p, q) = (a.element, b.element)
            if p.operation != q.operation { return p.operation < q.operation }
            if p.time != q.time { return p.time < q.time }
            if p.manager != q.manager { return p.manager < q.manager }
            if p.apiVersion != q.apiVersion { return p.apiVersion < q.apiVersion }
            return a.offset < b.offset
        }.map(\.element)
        return kept.isEmpty ? .null : .array(kept.map(\.json))
    }
}
