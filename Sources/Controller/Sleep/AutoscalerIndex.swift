import DozeJSON
import KubeClient

/// HorizontalPodAutoscalers (autoscaling/v2) that target an App's Deployment. When one does,
/// replicas above zero are the autoscaler's (contract §5): the reconciler keeps whatever it set,
/// and the sleep loop neither clamps nor scales by concurrency — it still sleeps and wakes.
public enum AutoscalerIndex {
    public static let resource = ResourceType(group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers",
                                              kind: "HorizontalPodAutoscaler", namespaced: true)

    /// `namespace/name` of every Deployment some HPA scales.
    public static func targets(_ autoscalers: [JSON]) -> Set<String> {
        var out = Set<String>()
        for hpa in autoscalers {
            if let key = target(of: hpa) { out.insert(key) }
        }
        return out
    }

    /// The Deployment an HPA scales, as `namespace/name` (nil for any other kind).
    public static func target(of hpa: JSON) -> String? {
        let ref = hpa[path: "spec", "scaleTargetRef"]
        guard ref["kind"].string == "Deployment", let name = ref["name"].string else { return nil }
        if let api = ref["apiVersion"].string, !api.hasPrefix("apps/") { return nil }
        return "\(hpa[path: "metadata", "namespace"].string ?? "")/\(name)"
    }
}
