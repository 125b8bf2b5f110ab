import DozeJSON

extension App {
    /// One PersistentVolumeClaim per named volume. Not owned by the App unless `retain: false`, so
    /// deleting an App keeps its data (as OpenRun never deletes a named volume); the label still
    /// ties it to the App for `kubectl get pvc -l doze.dev/app=NAME`.
    func claims() -> [JSON] {
        spec.volumes.compactMap { v in
            guard case .claim(let volume, let size, let storageClass, let retain) = v.source else { return nil }
            var c = child("v1", "PersistentVolumeClaim", name: claimName(volume), owned: !retain)
            var spec: JSON = [
                "accessModes": ["ReadWriteOnce"],
                "resources": ["requests": ["storage": .string(size)]],
            ]
            if let storageClass { spec["storageClassName"] = .string(storageClass) }
            c["spec"] = spec
            return c
        }
    }
}
