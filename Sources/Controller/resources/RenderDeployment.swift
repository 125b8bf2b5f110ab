import DozeJSON

extension App {
    /// Kept short: every rollout leaves an old ReplicaSet behind, and a sleeping app's history is noise.
    static let revisionHistoryLimit = 3

    /// The Deployment that runs the app: named as the App, selected by `doze.dev/app`, with a
    /// pod-template hash annotation that changes exactly when the pods must roll.
    func deployment(_ context: RenderContext, replicas: DesiredReplicas, secrets: [JSON]) -> JSON {
        var d = child("apps/v1", "Deployment", name: name)
        var spec: JSON = [
            "selector": ["matchLabels": selector],
            "revisionHistoryLimit": .int(Int64(App.revisionHistoryLimit)),
            "strategy": strategy,
        ]
        if case .count(let n) = replicas {
            // A ReadWriteOnce claim attaches to one node: a second replica would hang in
            // ContainerCreating, so cap at one (render() warns when maxReplicas asks for more).
            spec["replicas"] = .int(Int64(cappedReplicas(n)))
        }
        var template: JSON = ["metadata": ["labels": labels], "spec": podSpec(context)]
        template[path: "metadata", "annotations"] = [App.templateHashAnnotation: .string(templateHash(template, secrets: secrets))]
        spec["template"] = template
        d["spec"] = spec
        return d
    }

    private func cappedReplicas(_ n: Int) -> Int { spec.hasClaim ? min(max(n, 0), 1) : max(n, 0) }

    /// Recreate with a claim (the old pod must let go of the volume before the new one mounts it);
    /// otherwise a rolling update that never drops below the current replica count.
    private var strategy: JSON {
        if spec.hasClaim { return ["type": "Recreate"] }
        return ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": 0]]
    }

    /// Hash of what rolls the pods: the pod template itself and the rendered template files, which
    /// are mounted with subPath and so are not refreshed in a running pod. Replicas are outside it.
    func templateHash(_ template: JSON, secrets: [JSON]) -> String {
        var text = template.serialized()
        for s in secrets { text += "\n" + s["data"].serialized() }
        return FNV1a.hex(text)
    }

    private func podSpec(_ context: RenderContext) -> JSON {
        var pod: JSON = [
            "containers": [container(context)],
            // Service links would add 7 variables per Service in the namespace to every app.
            "enableServiceLinks": false,
            // An app has no business with the Kubernetes API.
            "automountServiceAccountToken": false,
        ]
        let volumes = podVolumes
        if !volumes.isEmpty { pod["volumes"] = .array(volumes) }
        return pod
    }

    private func container(_ context: RenderContext) -> JSON {
        var c: JSON = [
            "name": "app",
            "image": .string(spec.image),
            "ports": [["name": "http", "containerPort": .int(Int64(spec.port)), "protocol": "TCP"]],
            "env": .array(env(context)),
            "readinessProbe": probe(periodSeconds: 2, failureThreshold: 3),
            "startupProbe": probe(periodSeconds: 1, failureThreshold: Int(max(1, spec.scaling.startupTimeout.secondsRoundedUp))),
        ]
        if let command = spec.command { c["command"] = JSON(command) }
        if let args = spec.args { c["args"] = JSON(args) }
        if let resources = resources { c["resources"] = resources }
        let mounts = volumeMounts
        if !mounts.isEmpty { c["volumeMounts"] = .array(mounts) }
        return c
    }

    /// Params (sorted), then what Doze tells every app, then secrets (sorted). Env is a list keyed
    /// by name under server-side apply, so names are unique (the parser guarantees it).
    func env(_ context: RenderContext) -> [JSON] {
        var env: [JSON] = spec.params.keys.sorted().map { ["name": .string($0), "value": .string(spec.params[$0]!)] }
        env.append(["name": "PORT", "value": .string(String(spec.port))])
        env.append(["name": "CL_APP_PATH", "value": .string(spec.route.appPath)])
        env.append(["name": "CL_APP_URL", "value": .string(context.externalURL(of: spec.route))])
        env.append(["name": "POD_IP", "valueFrom": ["fieldRef": ["apiVersion": "v1", "fieldPath": "status.podIP"]]])
        for key in spec.secrets.keys.sorted() {
            let ref = spec.secrets[key]!
            var selector: JSON = ["name": .string(ref.secretName), "key": .string(ref.key)]
            if ref.optional { selector["optional"] = true }
            env.append(["name": .string(key), "valueFrom": ["secretKeyRef": selector]])
        }
        return env
    }

    /// As OpenRun maps --copt: cpus is a request only (no CPU limit, so no throttling), memory is
    /// both request and limit (memory cannot be reclaimed, so a guarantee must equal the cap).
    private var resources: JSON? {
        var r: JSON = .emptyObject
        if let cpu = spec.resources.cpu { r[path: "requests", "cpu"] = .string(cpu) }
        if let memory = spec.resources.memory {
            r[path: "requests", "memory"] = .string(memory)
            r[path: "limits", "memory"] = .string(memory)
        }
        return r == .emptyObject ? nil : r
    }

    /// The health path the kubelet probes: under the route path when the proxy does not strip it,
    /// since the app then serves only under that prefix.
    var probePath: String {
        if spec.route.stripPath || spec.route.path == "/" { return spec.health }
        return spec.route.path + spec.health
    }

    private func probe(periodSeconds: Int, failureThreshold: Int) -> JSON {
        [
            "httpGet": ["path": .string(probePath), "port": "http", "scheme": "HTTP"],
            "periodSeconds": .int(Int64(periodSeconds)),
            "timeoutSeconds": 1,
            "successThreshold": 1,
            "failureThreshold": .int(Int64(failureThreshold)),
        ]
    }
}
