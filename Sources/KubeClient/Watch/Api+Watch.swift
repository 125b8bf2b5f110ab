/// Raw watches: one HTTP stream, decoded line by line as it arrives.
extension Api {
    /// Opens a watch and returns its events. The stream ends when the server ends the watch
    /// (`timeoutSeconds`), throws a transport error if the connection drops, and closes the
    /// connection when the consumer stops iterating. An ERROR event is yielded as `.error`; a
    /// non-2xx answer to the request itself throws before any event.
    public func watch(_ options: WatchOptions = WatchOptions()) async throws
        -> AsyncThrowingStream<WatchEvent<T>, any Error>
    {
        let stream = try await client.stream(builder.watch(options))
        let lines = LineIterator(stream.lines.makeAsyncIterator())
        return AsyncThrowingStream {
            guard let line = try await lines.next() else { return nil }
            return try WatchEvent<T>(line: line)
        }
    }
}

/// Holds a stream iterator for `AsyncThrowingStream(unfolding:)`, which calls its closure one
/// call at a time, so the iterator is never used concurrently.
final class LineIterator: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
    init(_ iterator: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> [UInt8]? { try await iterator.next() }
}
