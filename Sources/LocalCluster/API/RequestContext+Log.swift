import DozeJSON
import HTTPCore

extension RequestContext {
    /// `pods/log`: the container's output from the pod runtime, streamed when following.
    func podLog(_ name: String) async throws(APIError) -> HTTPResponse {
        let pod = try store.get(gvr, namespace: namespace, name: name)
        let containers = (pod["spec"]["containers"].array ?? []).compactMap { $0["name"].string }
        let container: String
        if let c = query["container"], !c.isEmpty {
            guard containers.contains(c) || (pod["spec"]["initContainers"].array ?? []).contains(where: { $0["name"].string == c }) else {
                throw .badRequest("container \(c) is not valid for pod \(name)")
            }
            container = c
        } else if containers.count == 1 {
            container = containers[0]
        } else {
            throw .badRequest("a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]")
        }
        let options = PodLogOptions(follow: query.bool("follow") && query["follow"] != "false", tailLines: query.int("tailLines"),
                                    sinceSeconds: query.int("sinceSeconds"),
                                    timestamps: query.bool("timestamps") && query["timestamps"] != "false",
                                    previous: query.bool("previous") && query["previous"] != "false",
                                    limitBytes: query.int("limitBytes"))
        let source = server.logSource.withLock { $0 }
        guard let stream = source?.podLog(namespace: namespace ?? "", name: name, container: container, options: options) else {
            throw .badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: ContainerCreating")
        }
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: .stream(stream))
    }

}
