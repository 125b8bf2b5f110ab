import DozeJSON
import Foundation

extension StoreState {
    static let foregroundFinalizer = "foregroundDeletion"
    static let orphanFinalizer = "orphan"

    /// DELETE: removes the object at once, or marks it with deletionTimestamp when finalizers,
    /// a Foreground/Orphan propagation, a grace period (pods on a node) or namespace
    /// finalization keep it for a while. The garbage collector finishes what marking starts.
    mutating func delete(_ gvr: GroupVersionResource, namespace: String, name: String, options: DeleteOptions,
                         now: Date) throws(APIError) -> DeleteResult {
        let type = try type(gvr)
        let ns = type.namespaced ? namespace : ""
        guard let old = object(type.groupResource, ns, name) else { throw .notFound(gvr, name) }
        if let uid = options.preconditionUID, !uid.isEmpty, uid != old["metadata"]["uid"].string {
            throw APIError(code: 409, reason: "Conflict",
                           message: "Operation cannot be fulfilled on \(gvr.qualifiedResource) \"\(name)\": Precondition failed: UID in precondition: \(uid), UID in object meta: \(old["metadata"]["uid"].string ?? "")",
                           details: APIError.details(gvr, name))
        }
        if let rv = options.preconditionResourceVersion, !rv.isEmpty, rv != old["metadata"]["resourceVersion"].string {
            throw APIError(code: 409, reason: "Conflict",
                           message: "Operation cannot be fulfilled on \(gvr.qualifiedResource) \"\(name)\": Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(old["metadata"]["resourceVersion"].string ?? "")",
                           details: APIError.details(gvr, name))
        }
        var new = old
        var finalizers = (old["metadata"]["finalizers"].array ?? []).compactMap(\.string)
        let marking = old["metadata"]["deletionTimestamp"].isNull
        switch options.propagationPolicy {
        case .foreground?:
            if !finalizers.contains(Self.foregroundFinalizer) { finalizers.append(Self.foregroundFinalizer) }
            finalizers.removeAll { $0 == Self.orphanFinalizer }
        case .orphan?:
            if !finalizers.contains(Self.orphanFinalizer) { finalizers.append(Self.orphanFinalizer) }
            finalizers.removeAll { $0 == Self.foregroundFinalizer }
        case .background?:
            // A later Background delete of a marked object lifts an earlier Foreground/Orphan choice.
            if !marking { finalizers.removeAll { $0 == Self.foregroundFinalizer || $0 == Self.orphanFinalizer } }
        case nil: break
        }
        new["metadata"]["finalizers"] = finalizers.isEmpty ? .null : JSON(finalizers)

        let grace = gracePeriod(type: type, object: old, requested: options.gracePeriodSeconds)
        if marking {
            new["metadata"]["deletionTimestamp"] = .string(Timestamp.rfc3339(now.addingTimeInterval(TimeInterval(grace))))
            new["metadata"]["deletionGracePeriodSeconds"] = .int(Int64(grace))
            if let g = old["metadata"]["generation"].int, g > 0 { new["metadata"]["generation"] = .int(Int64(g + 1)) }
        } else if grace < (old["metadata"]["deletionGracePeriodSeconds"].int ?? 0) {
            // A shorter grace period may only bring the deadline forward.
            new["metadata"]["deletionTimestamp"] = .string(Timestamp.rfc3339(now.addingTimeInterval(TimeInterval(grace))))
            new["metadata"]["deletionGracePeriodSeconds"] = .int(Int64(grace))
        }
        if type.kind == "Namespace", type.group.isEmpty { new["status"]["phase"] = "Terminating" }

        if Self.readyToRemove(new, type: type) {
            if options.dryRun { return .deleted(old) }
            // The object goes as it was, apart from its deletion marks (kube-apiserver sends the last state).
            var last = old
            last["metadata"]["deletionTimestamp"] = new["metadata"]["deletionTimestamp"]
            last["metadata"]["deletionGracePeriodSeconds"] = new["metadata"]["deletionGracePeriodSeconds"]
            return .deleted(commit(type, .deleted, last, previous: old))
        }
        if options.dryRun || new == old { return .pending(new) }
        return .pending(commit(type, .modified, new, previous: old))
    }

    /// Grace period in seconds: 0 for kinds that delete at once, else the request's, else the pod's own.
    private func gracePeriod(type: ResourceType, object: JSON, requested: Int?) -> Int {
        guard type.gracefulDeletion else { return 0 }
        // Pods never bound to a node (or already finished) have no kubelet to wait for.
        let phase = object["status"]["phase"].string
        if (object["spec"]["nodeName"].string ?? "").isEmpty || phase == "Succeeded" || phase == "Failed" { return 0 }
        let g = requested ?? object["spec"]["terminationGracePeriodSeconds"].int ?? 30
        return g < 0 ? 1 : g
    }
}
