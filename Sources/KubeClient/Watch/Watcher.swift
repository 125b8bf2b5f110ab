import Foundation

/// Options of a watcher.
public struct WatcherConfig: Sendable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Page size of the (re)list.
    public var pageSize: Int?
    /// Each watch asks the server to end cleanly after this long (then the watcher re-watches).
    public var timeoutSeconds: Int
    /// Told about every error the watcher recovers from (for logs and metrics).
    public var onError: (@Sendable (KubeError) -> Void)?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int? = 500,
                timeoutSeconds: Int = 290, onError: (@Sendable (KubeError) -> Void)? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.pageSize = pageSize
        self.timeoutSeconds = timeoutSeconds
        self.onError = onError
    }
}

/// List-then-watch as an endless AsyncSequence of `WatcherEvent`s (see `WatcherMachine` for
/// the protocol and `WatcherEvent` for the initial-list marker). It recovers from every error
/// by itself and ends only when the consumer stops iterating (or its task is cancelled).
public struct Watcher<T: JSONView>: AsyncSequence, Sendable {
    public typealias Element = WatcherEvent<T>
    public typealias AsyncIterator = AsyncThrowingStream<WatcherEvent<T>, any Error>.Iterator

    public let api: Api<T>
    public let config: WatcherConfig
    let clock: KubeClock

    public init(api: Api<T>, config: WatcherConfig = WatcherConfig(), clock: KubeClock = .system) {
        self.api = api
        self.config = config
        self.clock = clock
    }

    public func makeAsyncIterator() -> AsyncIterator {
        let (events, continuation) = AsyncThrowingStream<WatcherEvent<T>, any Error>.makeStream()
        let task = Task { [self] in
            await run(continuation)
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return events.makeAsyncIterator()
    }

    /// The shell: performs each command of the state machine.
    private func run(_ out: AsyncThrowingStream<WatcherEvent<T>, any Error>.Continuation) async {
        var machine = WatcherMachine(seed: UInt64(clock.random() * Double(UInt32.max)))
        var step = machine.step(WatcherMachine.Input<T>.start)
        var stream: AsyncThrowingStream<WatchEvent<T>, any Error>.AsyncIterator?
        var watchOpened = 0.0
        var watchEvents = 0
        while !Task.isCancelled {
            for event in step.events { out.yield(event) }
            switch step.command {
            case .list(let token):
                stream = nil
                do {
                    step = machine.step(.listed(try await api.list(listOptions(continueToken: token))))
                } catch let error as KubeError {
                    report(error)
                    step = machine.step(.listFailed(error))
                } catch { return }
            case .watch(let rv):
                stream = nil
                do {
                    stream = try await api.watch(watchOptions(resourceVersion: rv)).makeAsyncIterator()
                    (watchOpened, watchEvents) = (clock.now(), 0)
                    step = WatcherMachine.Step(events: [], command: .readWatch)
                } catch let error as KubeError {
                    report(error)
                    step = machine.step(.watchFailed(error))
                } catch { return }
            case .readWatch:
                do {
                    if let event = try await stream?.next() {
                        watchEvents += 1
                        if case .error(let error) = event { report(error) }
                        step = machine.step(.event(event))
                    } else {
                        step = machine.step(.watchEnded(events: watchEvents, seconds: clock.now() - watchOpened))
                    }
                } catch let error as KubeError {
                    report(error)
                    step = machine.step(.watchFailed(error))
                } catch { return }
            case .sleep(let seconds):
                stream = nil
                do { try await clock.sleep(seconds) } catch { return }
                step = machine.step(.slept)
            }
        }
    }

    private func report(_ error: KubeError) { config.onError?(error) }

    private func listOptions(continueToken: String?) -> ListOptions {
        ListOptions(labelSelector: config.labelSelector, fieldSelector: config.fieldSelector, limit: config.pageSize,
                    continueToken: continueToken)
    }

    private func watchOptions(resourceVersion: String) -> WatchOptions {
        WatchOptions(labelSelector: config.labelSelector, fieldSelector: config.fieldSelector,
                     resourceVersion: resourceVersion.isEmpty ? nil : resourceVersion,
                     allowWatchBookmarks: true, timeoutSeconds: config.timeoutSeconds)
    }
}

extension Api {
    /// A watcher over this handle's kind and namespace.
    public func watcher(_ config: WatcherConfig = WatcherConfig()) -> Watcher<T> {
        Watcher(api: self, config: config, clock: client.executor.clock)
    }
}
