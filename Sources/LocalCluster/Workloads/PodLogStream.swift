import Foundation

extension LocalWorkloads {
    /// `pods/log` for the API server: the container's kept output as one chunk, or with `follow`
    /// the kept output and then each new line until the container's process ends. nil when the
    /// runtime has no such log (pod not running here, or no previous run).
    ///
    /// The `PodLogSource` conformance (API/LocalWorkloads+PodLogSource.swift) forwards to this.
    public func podLog(namespace: String, name: String, container: String?, follow: Bool = false,
                       tailLines: Int? = nil, sinceSeconds: Int? = nil, timestamps: Bool = false,
                       previous: Bool = false, limitBytes: Int? = nil) -> AsyncStream<[UInt8]>? {
        guard let log = pods.log(namespace: namespace, name: name, container: container, previous: previous) else {
            return nil
        }
        let since = sinceSeconds.map { options.now().addingTimeInterval(-Double($0)) }
        return PodLogStream.stream(log, follow: follow, tailLines: tailLines, since: since,
                                   timestamps: timestamps, limitBytes: limitBytes)
    }
}

enum PodLogStream {
    static func stream(_ log: ContainerLog, follow: Bool, tailLines: Int?, since: Date?, timestamps: Bool,
                       limitBytes: Int?) -> AsyncStream<[UInt8]> {
        guard follow else {
            var bytes = Array(ContainerLog.render(log.lines(tailLines: tailLines, since: since), timestamps: timestamps).utf8)
            if let limitBytes, bytes.count > limitBytes { bytes = Array(bytes.prefix(max(0, limitBytes))) }
            return AsyncStream { c in
                if !bytes.isEmpty { c.yield(bytes) }
                c.finish()
            }
        }
        let lines = log.follow(tailLines: tailLines, since: since)
        return AsyncStream { c in
            let task = Task {
                var budget = limitBytes ?? Int.max
                for await line in lines {
                    var bytes = Array(ContainerLog.render([line], timestamps: timestamps).utf8)
                    if bytes.count > budget { bytes = Array(bytes.prefix(budget)) }
                    budget -= bytes.count
                    if !bytes.isEmpty { c.yield(bytes) }
                    if budget <= 0 { break }
                }
                c.finish()
            }
            c.onTermination = { _ in task.cancel() }
        }
    }
}

