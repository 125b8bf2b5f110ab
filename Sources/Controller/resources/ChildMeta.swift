import DozeJSON

/// Names, labels and owner references shared by every child of an App.
extension App {
    /// The label that ties a child (and a pod) to its App. Also the Deployment's selector, which is
    /// immutable, so it must never change shape.
    public static let appLabel = "doze.dev/app"
    public static let templateHashAnnotation = "doze.dev/template-hash"
    public static let apiVersion = "doze.dev/v1alpha1"
    public static let kind = "App"

    public var labels: JSON {
        [
            "app.kubernetes.io/name": .string(name),
            "app.kubernetes.io/instance": .string(name),
            "app.kubernetes.io/managed-by": "doze",
            App.appLabel: .string(name),
        ]
    }

    public var selector: JSON { [App.appLabel: .string(name)] }

    /// Makes the App the controlling owner: the garbage collector deletes the child with the App,
    /// and a change to the child can be traced back to the App to reconcile.
    public var ownerReference: JSON {
        [
            "apiVersion": .string(App.apiVersion), "kind": .string(App.kind), "name": .string(name),
            "uid": .string(uid), "controller": true, "blockOwnerDeletion": true,
        ]
    }

    /// apiVersion, kind and metadata of a child, ready for server-side apply.
    func child(_ apiVersion: String, _ kind: String, name childName: String, owned: Bool = true) -> JSON {
        var metadata: JSON = ["name": .string(childName), "namespace": .string(namespace), "labels": labels]
        if owned { metadata["ownerReferences"] = [ownerReference] }
        return ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": metadata]
    }

    /// `<app>-<volume name>`: stable, so an updated App finds its data again.
    public func claimName(_ volume: String) -> String { "\(name)-\(volume)" }

    /// `<app>-tmpl-<8 hex of the mount path>`: one Secret per template file, named by where it is
    /// mounted so that editing the template updates the same Secret.
    public func templateSecretName(mountPath: String) -> String { "\(name)-tmpl-\(FNV1a.shortHex(mountPath))" }
}
