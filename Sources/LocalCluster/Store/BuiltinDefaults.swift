import DozeJSON

/// The defaults kube-apiserver fills in for built-in kinds, limited to the fields clients and
/// our controllers read (replicas, strategy, protocols, target ports...).
enum BuiltinDefaults {
    static func apply(to obj: inout JSON, kind: String, group: String) {
        switch (group, kind) {
        case ("apps", "Deployment"): deployment(&obj)
        case ("", "Pod"): podSpec(&obj["spec"])
        case ("", "Service"): service(&obj)
        case ("", "Secret"): if obj["type"].isNull { obj["type"] = "Opaque" }
        default: break
        }
    }

    static func deployment(_ d: inout JSON) {
        setIfMissing(&d["spec"]["replicas"], 1)
        setIfMissing(&d["spec"]["revisionHistoryLimit"], 10)
        setIfMissing(&d["spec"]["progressDeadlineSeconds"], 600)
        if d["spec"]["strategy"]["type"].isNull { d["spec"]["strategy"]["type"] = "RollingUpdate" }
        if d["spec"]["strategy"]["type"].string == "RollingUpdate" {
            setIfMissing(&d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%")
            setIfMissing(&d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], "25%")
        }
        if case .object = d["spec"]["template"] { podSpec(&d["spec"]["template"]["spec"]) }
    }

    static func podSpec(_ spec: inout JSON) {
        guard case .object = spec else { return }
        setIfMissing(&spec["restartPolicy"], "Always")
        setIfMissing(&spec["terminationGracePeriodSeconds"], 30)
        setIfMissing(&spec["dnsPolicy"], "ClusterFirst")
        setIfMissing(&spec["schedulerName"], "default-scheduler")
        setIfMissing(&spec["securityContext"], .emptyObject)
        for list in ["containers", "initContainers"] {
            guard var cs = spec[list].array else { continue }
            for i in cs.indices { container(&cs[i]) }
            spec[list] = .array(cs)
        }
    }

    static func container(_ c: inout JSON) {
        setIfMissing(&c["terminationMessagePath"], "/dev/termination-log")
        setIfMissing(&c["terminationMessagePolicy"], "File")
        let image = c["image"].string ?? ""
        setIfMissing(&c["imagePullPolicy"], image.hasSuffix(":latest") || !image.contains(":") ? "Always" : "IfNotPresent")
        setIfMissing(&c["resources"], .emptyObject)
        if var ports = c["ports"].array {
            for i in ports.indices { setIfMissing(&ports[i]["protocol"], "TCP") }
            c["ports"] = .array(ports)
        }
    }

    static func service(_ s: inout JSON) {
        setIfMissing(&s["spec"]["type"], "ClusterIP")
        setIfMissing(&s["spec"]["sessionAffinity"], "None")
        guard s["spec"]["type"].string != "ExternalName" else { return }
        setIfMissing(&s["spec"]["ipFamilies"], ["IPv4"])
        setIfMissing(&s["spec"]["ipFamilyPolicy"], "SingleStack")
        setIfMissing(&s["spec"]["internalTrafficPolicy"], "Cluster")
        if var ports = s["spec"]["ports"].array {
            for i in ports.indices {
                setIfMissing(&ports[i]["protocol"], "TCP")
                setIfMissing(&ports[i]["targetPort"], ports[i]["port"])
            }
            s["spec"]["ports"] = .array(ports)
        }
    }

    private static func setIfMissing(_ field: inout JSON, _ value: JSON) {
        if field.isNull { field = value }
    }
}
