import DozeJSON

/// Applies a controller's actions to the object store. A failure (a conflict with a concurrent
/// write, a name already taken) is returned rather than thrown: the controller requeues the key
/// and decides again from fresh state, as controllers do.
struct StoreActions {
    let store: ObjectStore

    static func gvr(kind: String) -> GroupVersionResource {
        switch kind {
        case "Pod": return .pods
        case "EndpointSlice": return .endpointSlices
        case "Deployment": return .deployments
        case "ReplicaSet": return .replicaSets
        default: return .core(kind.lowercased() + "s")
        }
    }

    /// Applies every action; returns the errors met (the rest still ran).
    @discardableResult
    func apply(_ actions: [WorkloadAction]) -> [APIError] {
        var errors: [APIError] = []
        for action in actions {
            do {
                try apply(action)
            } catch {
                // A pod or slice deleted meanwhile is what we wanted anyway.
                if !(error.code == 404 && isDelete(action)) { errors.append(error) }
            }
        }
        return errors
    }

    private func isDelete(_ action: WorkloadAction) -> Bool {
        if case .delete = action { return true } else { return false }
    }

    private func apply(_ action: WorkloadAction) throws(APIError) {
        switch action {
        case .create(let object):
            try store.create(Self.gvr(kind: object["kind"].string ?? ""), object)
        case .update(let object):
            try store.update(Self.gvr(kind: object["kind"].string ?? ""), object)
        case .updateStatus(let object):
            try store.updateStatus(Self.gvr(kind: object["kind"].string ?? ""), object)
        case .delete(let kind, let namespace, let name, let uid):
            try store.delete(Self.gvr(kind: kind), namespace: namespace, name: name,
                             options: DeleteOptions(preconditionUID: uid))
        }
    }
}
