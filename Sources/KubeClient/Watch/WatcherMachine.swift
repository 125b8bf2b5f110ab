/// What a watcher tells its consumer.
///
/// Initial-list marker: every (re)list is bracketed as `.initStarted`, one `.initApply` per
/// listed object (page by page, as pages arrive), then `.initDone`. A consumer that keeps a
/// store fills a fresh buffer between the two and swaps it in at `.initDone`: objects absent
/// from the new list were deleted while the watcher was not watching. After a relist (410 Gone)
/// the same bracket comes again. A list that fails half way restarts, so `.initStarted` can come
/// twice without an `.initDone` between; start the buffer afresh each time.
public enum WatcherEvent<T: JSONView>: Sendable {
    case initStarted
    case initApply(T)
    case initDone
    /// ADDED or MODIFIED while watching.
    case apply(T)
    case delete(T)
}

/// The list-then-watch protocol of a watcher as a pure state machine (kube-rs style): the shell
/// performs the command each step returns and feeds back what happened.
///
/// - list (paged with `continue`) from the most recent state; a 410 on a continue token restarts
///   the list at once; other list errors back off, then relist from scratch;
/// - watch from the list's resourceVersion with bookmarks; every event and bookmark advances the
///   resourceVersion kept for resuming;
/// - 410 Gone (as an HTTP answer or an ERROR event), or a resourceVersion the server has not
///   reached (504 ResourceVersionTooLarge, after an etcd restore) → relist; other errors (HTTP, ERROR
///   events, dropped connections, undecodable lines) → back off (0.8 s doubling to 30 s,
///   jittered), then watch again from the last resourceVersion; a clean end (the server's
///   `timeoutSeconds`) → watch again at once, unless the watch lasted under a second with no
///   event (then back off: something in between is closing watches);
/// - the backoff resets on every success: a list page, an event, a clean end.
public struct WatcherMachine: Sendable, Hashable {
    public enum Command: Sendable, Hashable {
        case list(continueToken: String?)
        case watch(resourceVersion: String)
        /// Keep reading the open watch stream.
        case readWatch
        case sleep(Double)
    }

    public enum Input<T: JSONView>: Sendable {
        case start
        case listed(ObjectList<T>)
        case listFailed(KubeError)
        case event(WatchEvent<T>)
        /// The watch stream ended without an error, after `events` events (bookmarks included)
        /// and `seconds` open.
        case watchEnded(events: Int, seconds: Double)
        /// Opening the watch failed, or the stream broke.
        case watchFailed(KubeError)
        case slept
    }

    public struct Step<T: JSONView>: Sendable {
        public var events: [WatcherEvent<T>]
        public var command: Command
    }

    private enum AfterSleep: Hashable { case list, watch }

    /// A clean end sooner than this, with no event, counts as a failure.
    public static let shortWatch = 1.0

    /// The revision to resume watching from: the list's, then each event's and bookmark's.
    public private(set) var resourceVersion: String?
    public private(set) var backoff: Backoff
    /// Whether the current list has delivered its first page (so `.initStarted` was sent).
    private var listStarted = false
    private var afterSleep: AfterSleep = .list

    public init(seed: UInt64 = 0) {
        backoff = Backoff(seed: seed)
    }

    public mutating func step<T>(_ input: Input<T>) -> Step<T> {
        switch input {
        case .start:
            return relist()
        case .listed(let page):
            backoff.reset()
            var events: [WatcherEvent<T>] = listStarted ? [] : [.initStarted]
            listStarted = true
            events += page.items.map { .initApply($0) }
            if let token = page.continueToken {
                return Step(events: events, command: .list(continueToken: token))
            }
            listStarted = false
            let rv = page.resourceVersion ?? ""
            resourceVersion = rv
            return Step(events: events + [.initDone], command: .watch(resourceVersion: rv))
        case .listFailed(let error):
            // An expired continue token: the list can only be taken again from the start.
            if error.isGone && listStarted { return relist() }
            return sleep(then: .list)
        case .event(let event):
            return handle(event)
        case .watchEnded(let events, let seconds):
            // A watch closed at once with nothing in it is a fault somewhere in between (a proxy,
            // a load balancer); re-watching at once would spin, so back off as client-go does.
            if events == 0 && seconds < Self.shortWatch { return sleep(then: .watch) }
            backoff.reset()
            return Step(events: [], command: .watch(resourceVersion: resourceVersion ?? ""))
        case .watchFailed(let error):
            return Self.needsRelist(error) ? relist() : sleep(then: .watch)
        case .slept:
            switch afterSleep {
            case .list: return relist()
            case .watch: return Step(events: [], command: .watch(resourceVersion: resourceVersion ?? ""))
            }
        }
    }

    private mutating func handle<T>(_ event: WatchEvent<T>) -> Step<T> {
        switch event {
        case .added(let o), .modified(let o):
            advance(event)
            return Step(events: [.apply(o)], command: .readWatch)
        case .deleted(let o):
            advance(event)
            return Step(events: [.delete(o)], command: .readWatch)
        case .bookmark:
            advance(event)
            return Step(events: [], command: .readWatch)
        case .error(let error):
            return Self.needsRelist(error) ? relist() : sleep(then: .watch)
        }
    }

    /// Errors a re-watch from the same resourceVersion cannot fix.
    static func needsRelist(_ error: KubeError) -> Bool { error.isGone || error.isResourceVersionTooLarge }

    private mutating func advance<T>(_ event: WatchEvent<T>) {
        backoff.reset()
        if let rv = event.resourceVersion, !rv.isEmpty { resourceVersion = rv }
    }

    private mutating func relist<T>() -> Step<T> {
        listStarted = false
        return Step(events: [], command: .list(continueToken: nil))
    }

    private mutating func sleep<T>(then next: AfterSleep) -> Step<T> {
        if next == .list { listStarted = false }
        afterSleep = next
        return Step(events: [], command: .sleep(backoff.next()))
    }
}
