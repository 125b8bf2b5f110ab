/// Runs `body` on another task, later. AsyncStream calls `onTermination` while the Swift runtime
/// holds the cancelled consumer task's status lock; a writer that yields to the stream while
/// holding our own lock needs that status lock too. So a termination handler that took our lock
/// deadlocked both threads (seen in CI: the store's watch fan-out against a cancelled watch).
/// Handlers that need a lock defer their work through this; yielding to a finished stream
/// meanwhile is harmless.
func outsideTermination(_ body: @escaping @Sendable () -> Void) {
    Task.detached { body() }
}
