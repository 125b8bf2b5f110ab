extension LocalWorkloads: PodLogSource {
    public func podLog(namespace: String, name: String, container: String, options: PodLogOptions) -> AsyncStream<[UInt8]>? {
        podLog(namespace: namespace, name: name, container: container, follow: options.follow, tailLines: options.tailLines,
               sinceSeconds: options.sinceSeconds, timestamps: options.timestamps, previous: options.previous,
               limitBytes: options.limitBytes)
    }
}
