import DozeJSON
import Synchronization

/// The key of an object in a store: namespace ("" for cluster-scoped kinds) and name.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String?, name: String) {
        self.namespace = namespace ?? ""
        self.name = name
    }

    public init?<T: JSONView>(of object: T) {
        guard let name = object.json[path: "metadata", "name"].string else { return nil }
        self.init(namespace: object.json[path: "metadata", "namespace"].string, name: name)
    }

    public var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool {
        (a.namespace, a.name) < (b.namespace, b.name)
    }
}

/// The pure part of a reflector: applies watcher events to a map of objects. Between
/// `.initStarted` and `.initDone` the new list is built aside and swapped in whole, so objects
/// deleted while the watcher was not watching disappear, and readers never see half a list.
public struct StoreState<T: JSONView>: Sendable {
    public private(set) var objects: [ObjectKey: T] = [:]
    /// True once the first complete list is in: before that, an empty store means "not known
    /// yet", not "none".
    public private(set) var isReady = false
    private var pending: [ObjectKey: T]?

    public init() {}

    public mutating func apply(_ event: WatcherEvent<T>) {
        switch event {
        case .initStarted:
            pending = [:]
        case .initApply(let o):
            guard let key = ObjectKey(of: o) else { return }
            if pending == nil { pending = [:] }
            pending?[key] = o
        case .initDone:
            objects = pending ?? [:]
            pending = nil
            isReady = true
        case .apply(let o):
            if let key = ObjectKey(of: o) { objects[key] = o }
        case .delete(let o):
            if let key = ObjectKey(of: o) { objects[key] = nil }
        }
    }
}

/// A thread-safe cache of one kind's objects, fed by a watcher (`Watcher.reflect(into:)`).
/// Controllers read from it instead of asking the API server; the proxy resolves endpoints from
/// it.
public final class ObjectStore<T: JSONView>: Sendable {
    private let state = Mutex(StoreState<T>())

    public init() {}

    public func apply(_ event: WatcherEvent<T>) { state.withLock { $0.apply(event) } }

    public var isReady: Bool { state.withLock { $0.isReady } }

    public func get(_ key: ObjectKey) -> T? { state.withLock { $0.objects[key] } }

    public func get(namespace: String?, name: String) -> T? { get(ObjectKey(namespace: namespace, name: name)) }

    /// Every object, in key order.
    public func list() -> [T] {
        state.withLock { s in s.objects.sorted { $0.key < $1.key }.map(\.value) }
    }

    /// The objects that match a predicate (by namespace, by label...).
    public func list(where matches: (T) -> Bool) -> [T] { list().filter(matches) }

    public var count: Int { state.withLock { $0.objects.count } }
}

extension Watcher {
    /// The watcher's events, each applied to `store` before the consumer sees it (kube-rs's
    /// reflector): when the consumer handles an event, the store already reflects it.
    public func reflect(into store: ObjectStore<T>) -> AsyncThrowingStream<WatcherEvent<T>, any Error> {
        let events = EventIterator(makeAsyncIterator())
        return AsyncThrowingStream {
            guard let event = try await events.next() else { return nil }
            store.apply(event)
            return event
        }
    }
}

/// Holds a watcher's iterator for `AsyncThrowingStream(unfolding:)`, which calls its closure
/// one call at a time.
final class EventIterator<T: JSONView>: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<WatcherEvent<T>, any Error>.AsyncIterator
    init(_ iterator: AsyncThrowingStream<WatcherEvent<T>, any Error>.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> WatcherEvent<T>? { try await iterator.next() }
}
