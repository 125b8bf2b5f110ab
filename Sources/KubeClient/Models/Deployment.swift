import DozeJSON

/// apps/v1 Deployment.
public struct Deployment: KubeObject {
    public static let resourceType = ResourceType.deployment
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var spec: DeploymentSpec { get { view("spec") } set { set("spec", newValue) } }
    public var status: DeploymentStatus { get { view("status") } set { set("status", newValue) } }
}

public struct DeploymentSpec: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var replicas: Int? { get { int("replicas") } set { set("replicas", newValue) } }
    public var selector: LabelSelector { get { view("selector") } set { set("selector", newValue) } }
    public var template: PodTemplateSpec { get { view("template") } set { set("template", newValue) } }
    public var paused: Bool? { get { bool("paused") } set { set("paused", newValue) } }
}

public struct DeploymentStatus: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var observedGeneration: Int? { get { int("observedGeneration") } set { set("observedGeneration", newValue) } }
    public var replicas: Int? { get { int("replicas") } set { set("replicas", newValue) } }
    public var readyReplicas: Int? { get { int("readyReplicas") } set { set("readyReplicas", newValue) } }
    public var availableReplicas: Int? {
        get { int("availableReplicas") }
        set { set("availableReplicas", newValue) }
    }
    public var updatedReplicas: Int? { get { int("updatedReplicas") } set { set("updatedReplicas", newValue) } }
    public var unavailableReplicas: Int? {
        get { int("unavailableReplicas") }
        set { set("unavailableReplicas", newValue) }
    }
    public var conditions: [StatusCondition] { get { views("conditions") } set { set("conditions", newValue) } }
}

/// A pod template (Deployment `spec.template`): metadata plus a pod spec kept as JSON.
public struct PodTemplateSpec: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var metadata: ObjectMeta { get { view("metadata") } set { set("metadata", newValue) } }
    public var spec: PodSpec { get { view("spec") } set { set("spec", newValue) } }
}
