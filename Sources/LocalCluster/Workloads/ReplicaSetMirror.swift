import DozeJSON

/// ReplicaSets that mirror a Deployment's pod groups, so that `kubectl get rs`, `kubectl describe
/// deployment` (NewReplicaSet / OldReplicaSets), `kubectl rollout history` and `kubectl rollout
/// undo` work. Pods are still owned by the Deployment itself and made by the deployment
/// controller; a mirror records one template's desired count, its status and its revision
/// (`deployment.kubernetes.io/revision`), and old ones are kept up to `revisionHistoryLimit`.
struct ReplicaSetMirror {
    static let revisionAnnotation = "deployment.kubernetes.io/revision"

    let observed: DeploymentReconciler.Observed
    let plan: (create: Int, delete: [PodFacts])
    /// The ReplicaSets the Deployment controls.
    let existing: [JSON]

    private var deployment: JSON { observed.deployment }
    private var name: String { deployment[path: "metadata", "name"].string ?? "" }

    private func hash(_ rs: JSON) -> String { rs[path: "metadata", "labels", "pod-template-hash"].string ?? "" }
    private func revision(_ rs: JSON) -> Int { rs[path: "metadata", "annotations", Self.revisionAnnotation].string.flatMap { Int($0) } ?? 0 }

    func actions() -> [WorkloadAction] {
        let byHash = Dictionary(existing.map { (hash($0), $0) }, uniquingKeysWith: { a, _ in a })
        let active = observed.newPods + observed.oldPods
        let maxRevision = existing.map(revision).max() ?? 0
        var hashes = Set(byHash.keys).union(active.compactMap { $0.labels["pod-template-hash"] })
        hashes.insert(observed.hash)
        var actions: [WorkloadAction] = []
        var kept: [(revision: Int, rs: JSON, empty: Bool)] = []
        for h in hashes.sorted() {
            let pods = active.filter { $0.labels["pod-template-hash"] == h }
            let target = pods.count + (h == observed.hash ? plan.create : 0) - plan.delete.filter { $0.labels["pod-template-hash"] == h }.count
            let old = byHash[h]
            var rev = old.map(revision) ?? 0
            // The current template's ReplicaSet holds the highest revision (a rollback renumbers it).
            if h == observed.hash, old == nil || rev < maxRevision { rev = maxRevision + 1 }
            guard let template = h == observed.hash ? currentTemplate() : old?[path: "spec", "template"] else { continue }
            var desired = old ?? JSON.emptyObject
            desired["apiVersion"] = "apps/v1"
            desired["kind"] = "ReplicaSet"
            desired[path: "metadata", "name"] = .string("\(name)-\(h)")
            desired[path: "metadata", "namespace"] = deployment[path: "metadata", "namespace"]
            desired[path: "metadata", "labels"] = template[path: "metadata", "labels"]
            desired[path: "metadata", "annotations", Self.revisionAnnotation] = .string(String(max(rev, 1)))
            desired[path: "metadata", "annotations", "deployment.kubernetes.io/desired-replicas"] = .string(String(observed.replicas))
            desired[path: "metadata", "ownerReferences"] = [[
                "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name),
                "uid": deployment[path: "metadata", "uid"], "controller": true, "blockOwnerDeletion": true,
            ]]
            desired[path: "metadata", "resourceVersion"] = .null
            desired["spec"] = [
                "replicas": .int(Int64(max(0, target))),
                "minReadySeconds": .int(Int64(observed.minReadySeconds)),
                "selector": selector(h),
                "template": template,
            ]
            var status: JSON = ["replicas": .int(Int64(pods.count)), "fullyLabeledReplicas": .int(Int64(pods.count)),
                                "readyReplicas": .int(Int64(pods.filter(\.isReady).count)),
                                "availableReplicas": .int(Int64(observed.available(pods).count)),
                                "observedGeneration": old?[path: "metadata", "generation"] ?? 1]
            for key in ["fullyLabeledReplicas", "readyReplicas", "availableReplicas"] where status[key] == 0 { status[key] = .null }
            desired["status"] = status
            if let old {
                var comparable = old
                comparable[path: "metadata", "resourceVersion"] = .null
                if comparable["spec"] != desired["spec"] || comparable["metadata"] != desired["metadata"] {
                    actions.append(.update(desired))
                }
                if old["status"] != status { actions.append(.updateStatus(desired)) }
            } else {
                actions.append(.create(desired))
            }
            if h != observed.hash { kept.append((max(rev, 1), desired, target <= 0 && pods.isEmpty)) }
        }
        // History beyond revisionHistoryLimit goes, oldest first (only empty old ReplicaSets).
        let limit = deployment[path: "spec", "revisionHistoryLimit"].int ?? 10
        let removable = kept.filter(\.empty).sorted { $0.revision < $1.revision }
        for old in removable.prefix(max(0, removable.count - limit)) where byHash[hash(old.rs)] != nil {
            actions.removeAll { action in
                if case .update(let o) = action { return o[path: "metadata", "name"] == old.rs[path: "metadata", "name"] }
                if case .updateStatus(let o) = action { return o[path: "metadata", "name"] == old.rs[path: "metadata", "name"] }
                return false
            }
            actions.append(.delete(kind: "ReplicaSet", namespace: old.rs[path: "metadata", "namespace"].string ?? "default",
                                   name: old.rs[path: "metadata", "name"].string ?? "", uid: byHash[hash(old.rs)]?[path: "metadata", "uid"].string))
        }
        return actions
    }

    /// Whether a ReplicaSet's pod template is `template` apart from its pod-template-hash label.
    static func template(_ rs: JSON, equals template: JSON) -> Bool {
        var t = rs[path: "spec", "template"]
        t[path: "metadata", "labels", "pod-template-hash"] = .null
        var other = template
        other[path: "metadata", "labels", "pod-template-hash"] = .null
        return semantic(t) == semantic(other)
    }

    /// Go's semantic equality, roughly: a null, an empty object and an empty array mean the same
    /// as an absent field (kubectl sends `creationTimestamp: null` and `resources: {}` in templates).
    static func semantic(_ value: JSON) -> JSON {
        switch value {
        case .object(let o):
            var out: [String: JSON] = [:]
            for (k, v) in o {
                let n = semantic(v)
                switch n {
                case .null: continue
                case .object(let m) where m.isEmpty: continue
                case .array(let a) where a.isEmpty: continue
                default: out[k] = n
                }
            }
            return .object(out)
        case .array(let a): return .array(a.map(semantic))
        default: return value
        }
    }

    /// The Deployment's template with the hash label, as the new ReplicaSet carries it.
    private func currentTemplate() -> JSON {
        var t = deployment[path: "spec", "template"]
        t[path: "metadata", "labels", "pod-template-hash"] = .string(observed.hash)
        return t
    }

    private func selector(_ hash: String) -> JSON {
        var s = deployment[path: "spec", "selector"]
        s["matchLabels"]["pod-template-hash"] = .string(hash)
        return s
    }
}
