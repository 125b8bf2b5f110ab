import DozeJSON
import Synchronization

/// Compiled CRD schemas, shared by every request. Compiling one walks the whole openAPIV3Schema
/// (the App CRD: hundreds of nodes), and every write of a custom resource needs it; a cluster
/// full of Apps paid that on each create, patch and status update. The key names the CRD's
/// uid and resourceVersion, so an updated CRD compiles afresh and a deleted and re-created one
/// never meets its predecessor's schema.
enum CustomResourceSchemaCache {
    private static let entries = Mutex<[String: CustomResourceSchema]>([:])
    /// Far above the CRDs a test or `doze dev` installs; reaching it just starts over.
    private static let capacity = 256

    static func schema(crd: JSON, version: String, kind: String, group: String) -> CustomResourceSchema {
        let meta = crd["metadata"]
        guard let uid = meta["uid"].string, let rv = meta["resourceVersion"].string else {
            return CustomResourceSchema(crd: crd, version: version, kind: kind, group: group)
        }
        let key = "\(uid)/\(rv)/\(version)/\(group)/\(kind)"
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let compiled = CustomResourceSchema(crd: crd, version: version, kind: kind, group: group)
        entries.withLock { e in
            if e.count >= capacity { e.removeAll(keepingCapacity: true) }
            e[key] = compiled
        }
        return compiled
    }
}
