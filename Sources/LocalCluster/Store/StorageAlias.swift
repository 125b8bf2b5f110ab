import DozeJSON

/// A kind served from another kind's storage through a field conversion, as kube-apiserver
/// serves events.k8s.io/v1 Events from the core/v1 Events it stores: one collection, two shapes,
/// so an Event written either way shows in `kubectl describe` and `kubectl get events`.
public struct StorageAlias: Sendable {
    public var storage: GroupVersionResource
    public var toStorage: @Sendable (JSON) -> JSON
    public var fromStorage: @Sendable (JSON) -> JSON
    /// Field selector labels of this kind mapped to the stored kind's.
    public var fieldSelectors: [String: String]

    func translate(_ selector: FieldSelector) -> FieldSelector {
        var s = selector
        for i in s.requirements.indices { s.requirements[i].field = fieldSelectors[s.requirements[i].field] ?? s.requirements[i].field }
        return s
    }

    /// events.k8s.io/v1 Event ↔ core/v1 Event, field for field as kube's conversion does.
    public static let eventsV1 = StorageAlias(
        storage: .events,
        toStorage: { e in
            var o: JSON = ["apiVersion": "v1", "kind": "Event", "metadata": e["metadata"]]
            o["involvedObject"] = e["regarding"]
            o["related"] = e["related"]
            o["message"] = e["note"]
            for f in ["reason", "type", "action", "series", "eventTime", "reportingInstance"] { o[f] = e[f] }
            o["reportingComponent"] = e["reportingController"]
            var source = e["deprecatedSource"]
            if source.isNull {
                source["component"] = e["reportingController"]
                source["host"] = e["reportingInstance"]
            }
            o["source"] = source
            o["firstTimestamp"] = e["deprecatedFirstTimestamp"]
            o["lastTimestamp"] = e["deprecatedLastTimestamp"]
            o["count"] = e["deprecatedCount"]
            return o
        },
        fromStorage: { o in
            var e: JSON = ["apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": o["metadata"]]
            e["regarding"] = o["involvedObject"]
            e["related"] = o["related"]
            e["note"] = o["message"]
            for f in ["reason", "type", "action", "series", "eventTime"] { e[f] = o[f] }
            e["reportingController"] = o["reportingComponent"].isNull ? o["source"]["component"] : o["reportingComponent"]
            e["reportingInstance"] = o["reportingInstance"].isNull ? o["source"]["host"] : o["reportingInstance"]
            e["deprecatedSource"] = o["source"]
            e["deprecatedFirstTimestamp"] = o["firstTimestamp"]
            e["deprecatedLastTimestamp"] = o["lastTimestamp"]
            e["deprecatedCount"] = o["count"]
            return e
        },
        fieldSelectors: ["regarding.kind": "involvedObject.kind", "regarding.namespace": "involvedObject.namespace",
                         "regarding.name": "involvedObject.name", "regarding.uid": "involvedObject.uid",
                         "reportingController": "reportingComponent"])
}
