import DozeJSON
import Foundation

/// kube-controller-manager's garbage collector and namespace controller, in one pass over the
/// store: deletes dependents whose owners are gone, carries out Foreground and Orphan deletion
/// (the `foregroundDeletion` and `orphan` finalizers), empties terminating namespaces and
/// finalizes them once empty, and removes the custom resources of a deleted CRD.
public struct GarbageCollector: Sendable {
    let store: ObjectStore

    public init(store: ObjectStore) { self.store = store }

    /// One pass; returns how many writes it made (0 when there was nothing to do).
    @discardableResult
    public func collect() -> Int {
        let t = store.now()
        return store.state.withLock { s in
            guard s.collectorDirty else { return 0 }
            s.collectorDirty = false
            let n = s.collectGarbage(now: t)
            // Writes of this pass may enable more work (a namespace empties, a finalizer goes).
            if n > 0 { s.collectorDirty = true }
            return n
        }
    }

    /// Runs passes whenever the store changes, until cancelled, at most one series of passes per
    /// `interval`: a pass scans every object under the store's lock, so running one per change
    /// made a burst of writes quadratic (1,000 Apps: 43% of the CPU went to back-to-back passes).
    /// kube-controller-manager's collector is not instantaneous either.
    public func run(interval: Duration = .milliseconds(100)) async {
        let signals = store.changeSignals()
        collect()
        for await _ in signals {
            while collect() > 0 { await Task.yield() }
            // Changes meanwhile coalesce into one signal (the stream keeps the newest only).
            if (try? await Task.sleep(for: interval)) == nil { return }
        }
    }
}

extension ObjectStore {
    /// A stream that yields (coalesced) whenever the store changes.
    func changeSignals() -> AsyncStream<Void> {
        let (stream, cont) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { s in
            s.nextWatcherID += 1
            s.changeListeners[s.nextWatcherID] = cont
            return s.nextWatcherID
        }
        cont.yield()
        cont.onTermination = { [weak self] _ in
            let me = self; outsideTermination { _ = me?.state.withLock { $0.changeListeners.removeValue(forKey: id) } }
        }
        return stream
    }
}

extension StoreState {
    struct Located {
        var type: ResourceType
        var object: JSON
        var namespace: String { object["metadata"]["namespace"].string ?? "" }
        var name: String { object["metadata"]["name"].string ?? "" }
        var uid: String { object["metadata"]["uid"].string ?? "" }
        var finalizers: [String] { (object["metadata"]["finalizers"].array ?? []).compactMap(\.string) }
        var deleting: Bool { !object["metadata"]["deletionTimestamp"].isNull }
        var ownerUIDs: [String] { (object["metadata"]["ownerReferences"].array ?? []).compactMap { $0["uid"].string } }
    }

    func allObjects() -> [Located] {
        objects.flatMap { gr, objs in
            types[gr].map { t in objs.values.map { Located(type: t, object: $0) } } ?? []
        }
    }

    mutating func collectGarbage(now: Date) -> Int {
        let all = allObjects()
        var byUID: [String: Located] = [:]
        var dependents: [String: [Located]] = [:]
        for o in all {
            byUID[o.uid] = o
            for owner in o.ownerUIDs { dependents[owner, default: []].append(o) }
        }
        var writes = 0
        for o in all where !o.ownerUIDs.isEmpty {
            writes += collectDependent(o, byUID: byUID, now: now)
        }
        for o in all where o.deleting {
            writes += finishDeletion(o, dependents: dependents[o.uid] ?? [], all: all, now: now)
        }
        return writes
    }

    /// A dependent goes when all its owners are gone, or when an owner is being deleted in the
    /// foreground; an orphaning owner lets go of it.
    private mutating func collectDependent(_ o: Located, byUID: [String: Located], now: Date) -> Int {
        let owners = o.ownerUIDs.map { byUID[$0] }
        if owners.allSatisfy({ $0 == nil }) {
            return o.deleting ? 0 : remove(o, policy: .background, now: now)
        }
        if owners.contains(where: { $0?.deleting == true && $0?.finalizers.contains(Self.foregroundFinalizer) == true }) {
            return o.deleting ? 0 : remove(o, policy: .foreground, now: now)
        }
        let orphaning = Set(owners.compactMap { $0 }.filter { $0.deleting && $0.finalizers.contains(Self.orphanFinalizer) }.map(\.uid))
        if !orphaning.isEmpty {
            var new = o.object
            let refs = (o.object["metadata"]["ownerReferences"].array ?? []).filter { !orphaning.contains($0["uid"].string ?? "") }
            new["metadata"]["ownerReferences"] = refs.isEmpty ? .null : .array(refs)
            return write(o, new, now: now)
        }
        return 0
    }

    /// Lifts the garbage collector's own finalizers once their work is done, empties terminating
    /// namespaces and deleted CRDs.
    private mutating func finishDeletion(_ o: Located, dependents: [Located], all: [Located], now: Date) -> Int {
        var new = o.object
        var fins = o.finalizers
        if fins.contains(Self.foregroundFinalizer), dependents.isEmpty { fins.removeAll { $0 == Self.foregroundFinalizer } }
        if fins.contains(Self.orphanFinalizer), dependents.isEmpty { fins.removeAll { $0 == Self.orphanFinalizer } }
        var writes = 0
        if o.type.kind == "Namespace", o.type.group.isEmpty {
            let content = all.filter { $0.type.namespaced && $0.namespace == o.name }
            for c in content where !c.deleting { writes += remove(c, policy: .background, now: now) }
            if content.isEmpty, !(o.object["spec"]["finalizers"].array ?? []).isEmpty {
                new["spec"]["finalizers"] = .array([])
                return writes + ((try? update(o.type.gvr(), new, target: .finalize, now: now, dryRun: false)) != nil ? 1 : 0)
            }
        }
        if o.type.kind == "CustomResourceDefinition", fins.contains(CRDCleanup.finalizer) {
            let served = GroupResource(group: o.object["spec"]["group"].string ?? "",
                                       resource: o.object["spec"]["names"]["plural"].string ?? "")
            let crs = all.filter { $0.type.groupResource == served }
            for c in crs where !c.deleting { writes += remove(c, policy: .background, now: now) }
            if crs.isEmpty {
                fins.removeAll { $0 == CRDCleanup.finalizer }
                types.removeValue(forKey: served)
                objects.removeValue(forKey: served)
            }
        }
        guard fins != o.finalizers else { return writes }
        new["metadata"]["finalizers"] = fins.isEmpty ? .null : JSON(fins)
        return writes + write(o, new, now: now)
    }

    private mutating func remove(_ o: Located, policy: PropagationPolicy, now: Date) -> Int {
        let r = try? delete(o.type.gvr(), namespace: o.namespace, name: o.name,
                            options: DeleteOptions(propagationPolicy: policy), now: now)
        return r == nil ? 0 : 1
    }

    private mutating func write(_ o: Located, _ new: JSON, now: Date) -> Int {
        (try? update(o.type.gvr(), new, target: .main, now: now, dryRun: false)) != nil ? 1 : 0
    }
}

/// The CRD finalizer that makes kube-apiserver delete a CRD's custom resources first.
public enum CRDCleanup {
    public static let finalizer = "customresourcecleanup.apiextensions.k8s.io"
}
