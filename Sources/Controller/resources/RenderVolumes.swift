import DozeJSON

/// Pod volumes and mounts for `spec.volumes`: a claim per named volume, a Secret file per template.
extension App {
    /// Pod volume names carry a prefix per kind so a volume named `tmpl-x` cannot meet a template's.
    func podVolumeName(_ volume: Volume) -> String {
        switch volume.source {
        case .claim(let name, _, _, _): return "pvc-\(name)"
        case .template: return "tmpl-\(FNV1a.shortHex(volume.mountPath))"
        }
    }

    /// The Secret key a template file is stored under: the file's own name when it is a valid key.
    static func templateKey(mountPath: String) -> String {
        let base = String(mountPath.split(separator: "/").last ?? "")
        return NameRules.isSecretKey(base) ? base : "file"
    }

    var podVolumes: [JSON] {
        spec.volumes.map { v in
            switch v.source {
            case .claim(let name, _, _, _):
                var claim: JSON = ["claimName": .string(claimName(name))]
                if v.readOnly { claim["readOnly"] = true }
                return ["name": .string(podVolumeName(v)), "persistentVolumeClaim": claim]
            case .template:
                return ["name": .string(podVolumeName(v)),
                        "secret": ["secretName": .string(templateSecretName(mountPath: v.mountPath))]]
            }
        }
    }

    var volumeMounts: [JSON] {
        spec.volumes.map { v in
            var m: JSON = ["name": .string(podVolumeName(v)), "mountPath": .string(v.mountPath)]
            switch v.source {
            case .claim: if v.readOnly { m["readOnly"] = true }
            case .template:
                // subPath puts the one file at mountPath instead of hiding the directory under it.
                m["subPath"] = .string(App.templateKey(mountPath: v.mountPath))
                m["readOnly"] = true
            }
            return m
        }
    }
}
