import DozeJSON

/// The built-in kinds this cluster serves, with kube-apiserver's names and per-kind rules.
public enum BuiltinResources {
    public static let all: [ResourceType] = [
        namespaces, nodes, pods, services, secrets, configMaps, persistentVolumeClaims, coreEvents, serviceAccounts,
        deployments, replicaSets, endpointSlices, leases, events, customResourceDefinitions,
        horizontalPodAutoscalers,
    ]

    static var namespaces: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "namespaces", singular: "namespace",
                             kind: "Namespace", namespaced: false)
        t.shortNames = ["ns"]
        t.hasStatusSubresource = true
        t.otherSubresources = ["finalize"]
        t.initialStatus = ["phase": "Active"]
        t.selectableFields = ["status.phase"]
        return t
    }

    static var nodes: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "nodes", singular: "node", kind: "Node", namespaced: false)
        t.shortNames = ["no"]
        t.hasStatusSubresource = true
        t.returnsDeletedObject = true
        return t
    }

    static var pods: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "pods", singular: "pod", kind: "Pod", namespaced: true)
        t.shortNames = ["po"]
        t.categories = ["all"]
        t.hasStatusSubresource = true
        t.otherSubresources = ["log"]
        t.initialStatus = ["phase": "Pending", "qosClass": "BestEffort"]
        t.gracefulDeletion = true
        t.returnsDeletedObject = true
        t.selectableFields = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                              "status.phase", "status.podIP", "status.nominatedNodeName"]
        return t
    }

    static var services: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "services", singular: "service",
                             kind: "Service", namespaced: true)
        t.shortNames = ["svc"]
        t.categories = ["all"]
        t.hasStatusSubresource = true
        t.initialStatus = ["loadBalancer": .emptyObject]
        t.returnsDeletedObject = true
        return t
    }

    static var secrets: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "secrets", singular: "secret", kind: "Secret",
                             namespaced: true)
        t.selectableFields = ["type"]
        return t
    }

    static var configMaps: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "configmaps", singular: "configmap",
                             kind: "ConfigMap", namespaced: true)
        t.shortNames = ["cm"]
        return t
    }

    static var persistentVolumeClaims: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "persistentvolumeclaims",
                             singular: "persistentvolumeclaim", kind: "PersistentVolumeClaim", namespaced: true)
        t.shortNames = ["pvc"]
        t.hasStatusSubresource = true
        t.initialStatus = ["phase": "Pending"]
        t.returnsDeletedObject = true
        return t
    }

    static var coreEvents: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "events", singular: "event", kind: "Event",
                             namespaced: true)
        t.shortNames = ["ev"]
        t.selectableFields = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                              "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                              "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"]
        return t
    }

    static var serviceAccounts: ResourceType {
        var t = ResourceType(group: "", version: "v1", resource: "serviceaccounts", singular: "serviceaccount",
                             kind: "ServiceAccount", namespaced: true)
        t.shortNames = ["sa"]
        t.returnsDeletedObject = true
        return t
    }

    static var deployments: ResourceType {
        var t = ResourceType(group: "apps", version: "v1", resource: "deployments", singular: "deployment",
                             kind: "Deployment", namespaced: true)
        t.shortNames = ["deploy"]
        t.categories = ["all"]
        t.hasStatusSubresource = true
        t.scale = ScalePaths(labelSelectorPath: ".spec.selector")
        t.tracksGeneration = true
        t.generationCountsAnnotations = true
        t.initialStatus = .emptyObject
        return t
    }

    /// Served (empty unless someone creates them) so that `kubectl describe deployment`, which
    /// lists a deployment's ReplicaSets, works.
    static var replicaSets: ResourceType {
        var t = ResourceType(group: "apps", version: "v1", resource: "replicasets", singular: "replicaset",
                             kind: "ReplicaSet", namespaced: true)
        t.shortNames = ["rs"]
        t.categories = ["all"]
        t.hasStatusSubresource = true
        t.scale = ScalePaths(labelSelectorPath: ".spec.selector")
        t.tracksGeneration = true
        t.initialStatus = ["replicas": 0]
        return t
    }

    static var endpointSlices: ResourceType {
        ResourceType(group: "discovery.k8s.io", version: "v1", resource: "endpointslices", singular: "endpointslice",
                     kind: "EndpointSlice", namespaced: true)
    }

    /// Stored only: no autoscaler runs here. Served so that controllers which respect an HPA
    /// (Doze's leaves replicas above zero to it) can list and watch them.
    static var horizontalPodAutoscalers: ResourceType {
        var t = ResourceType(group: "autoscaling", version: "v2", resource: "horizontalpodautoscalers",
                             singular: "horizontalpodautoscaler", kind: "HorizontalPodAutoscaler", namespaced: true)
        t.shortNames = ["hpa"]
        t.categories = ["all"]
        t.hasStatusSubresource = true
        t.initialStatus = ["currentReplicas": 0, "desiredReplicas": 0]
        return t
    }

    static var leases: ResourceType {
        var t = ResourceType(group: "coordination.k8s.io", version: "v1", resource: "leases", singular: "lease",
                             kind: "Lease", namespaced: true)
        t.allowCreateOnUpdate = true
        return t
    }

    static var events: ResourceType {
        var t = ResourceType(group: "events.k8s.io", version: "v1", resource: "events", singular: "event",
                             kind: "Event", namespaced: true)
        t.shortNames = ["ev"]
        t.selectableFields = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
                              "reason", "reportingController", "type"]
        t.alias = .eventsV1
        return t
    }

    static var customResourceDefinitions: ResourceType {
        var t = ResourceType(group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions",
                             singular: "customresourcedefinition", kind: "CustomResourceDefinition",
                             namespaced: false)
        t.shortNames = ["crd", "crds"]
        t.categories = ["api-extensions"]
        t.hasStatusSubresource = true
        t.tracksGeneration = true
        t.initialStatus = .emptyObject
        return t
    }
}
