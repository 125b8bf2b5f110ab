/// Where `pods/log` reads from: the pod runtime, which keeps each container's output.
public protocol PodLogSource: Sendable {
    /// The log of one container as chunks of bytes (one chunk, then more while following), or nil
    /// when the runtime has no log for that container.
    func podLog(namespace: String, name: String, container: String, options: PodLogOptions) -> AsyncStream<[UInt8]>?
}

/// The query options of `pods/log` the server passes on.
public struct PodLogOptions: Sendable, Equatable {
    public var follow = false
    public var tailLines: Int?
    public var sinceSeconds: Int?
    public var timestamps = false
    public var previous = false
    public var limitBytes: Int?

    public init(follow: Bool = false, tailLines: Int? = nil, sinceSeconds: Int? = nil, timestamps: Bool = false,
                previous: Bool = false, limitBytes: Int? = nil) {
        self.follow = follow
        self.tailLines = tailLines
        self.sinceSeconds = sinceSeconds
        self.timestamps = timestamps
        self.previous = previous
        self.limitBytes = limitBytes
    }
}
