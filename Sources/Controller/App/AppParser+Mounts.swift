import DozeJSON

/// volumes, route and scaling: the parts of a spec whose rules span several fields.
extension SpecParser {
    static let volumeFields = ["name", "mountPath", "size", "storageClassName", "secretTemplate", "readOnly", "retain"]

    mutating func volumes(_ v: JSON, params: [String: String]) -> [Volume] {
        guard let items = problems.typed(v, at: "spec.volumes", as: "a list", \.array) else { return [] }
        if items.count > 32 { problems.add("spec.volumes", "has \(items.count) entries; at most 32") }
        var out: [Volume] = []
        var seenPaths: Set<String> = [], seenNames: Set<String> = []
        for (i, item) in items.enumerated() {
            let field = "spec.volumes[\(i)]"
            guard item.object != nil else { problems.add(field, "must be an object, not \(item.typeName)"); continue }
            guard let volume = volume(item, at: field, params: params) else { continue }
            if !seenPaths.insert(volume.mountPath).inserted {
                problems.add("\(field).mountPath", "\(quoted(volume.mountPath)) is mounted twice")
            }
            if case .claim(let name, _, _, _) = volume.source, !seenNames.insert(name).inserted {
                problems.add("\(field).name", "\(quoted(name)) names two volumes")
            }
            out.append(volume)
        }
        return out
    }

    private mutating func volume(_ v: JSON, at field: String, params: [String: String]) -> Volume? {
        unknownKeys(v, at: field, known: Self.volumeFields, noun: "field")
        let name = problems.typed(v["name"], at: "\(field).name", as: "a string", \.string)
        let template = problems.typed(v["secretTemplate"], at: "\(field).secretTemplate", as: "a string", \.string)
        let readOnly = problems.typed(v["readOnly"], at: "\(field).readOnly", as: "a boolean", \.bool) ?? false
        let mountPath = problems.typed(v["mountPath"], at: "\(field).mountPath", as: "a string", \.string)
        if let mountPath, let why = NameRules.mountPathProblem(mountPath) {
            problems.add("\(field).mountPath", "\(quoted(mountPath)) \(why)")
        } else if mountPath == nil, v["mountPath"].isNull {
            problems.add("\(field).mountPath", "is required")
        }
        switch (name, template) {
        case (let name?, nil):
            guard let source = claim(v, name: name, at: field) else { return nil }
            return Volume(mountPath: mountPath ?? "", readOnly: readOnly, source: source)
        case (nil, let template?):
            for key in ["size", "storageClassName", "retain"] where !v[key].isNull {
                problems.add("\(field).\(key)", "applies only to a named volume, not to a secretTemplate")
            }
            do throws(TemplateError) {
                let content = try Template.render(template, params: params)
                if content.utf8.count > 1 << 20 {
                    problems.add("\(field).secretTemplate", "renders to more than 1 MiB, the most a Secret holds")
                }
                return Volume(mountPath: mountPath ?? "", readOnly: true, source: .template(source: template, content: content))
            } catch {
                problems.add("\(field).secretTemplate", error.description)
                return nil
            }
        default:
            problems.add(field, "needs exactly one of name (a persistent volume) or secretTemplate (a rendered file)")
            return nil
        }
    }

    private mutating func claim(_ v: JSON, name: String, at field: String) -> Volume.Source? {
        if !NameRules.isDNS1123Label(name) || name.utf8.count > 59 {
            problems.add("\(field).name", "\(quoted(name)) must be a DNS label of at most 59 characters")
        }
        var size = AppSpec.Defaults.volumeSize
        if !v["size"].isNull {
            if let (bytes, canonical) = Quantity.bytes(v["size"]), bytes > 0 { size = canonical }
            else { problems.add("\(field).size", "invalid quantity \(shown(v["size"])) (examples: 1Gi, 10Gi, 1g)") }
        }
        let storageClass = problems.typed(v["storageClassName"], at: "\(field).storageClassName", as: "a string", \.string)
        if let storageClass, !NameRules.isDNS1123Subdomain(storageClass) {
            problems.add("\(field).storageClassName", "\(quoted(storageClass)) is not a StorageClass name")
        }
        let retain = problems.typed(v["retain"], at: "\(field).retain", as: "a boolean", \.bool) ?? true
        return .claim(name: name, size: size, storageClassName: storageClass, retain: retain)
    }

    mutating func route(_ v: JSON) -> Route {
        var r = Route(host: nil, path: AppSpec.Defaults.path, stripPath: true)
        guard problems.typed(v, at: "spec.route", as: "an object", \.object) != nil else { return r }
        unknownKeys(v, at: "spec.route", known: ["host", "path", "stripPath"], noun: "field")
        if let host = problems.typed(v["host"], at: "spec.route.host", as: "a string", \.string) {
            if !NameRules.isHost(host) {
                problems.add("spec.route.host", "\(quoted(host)) must be a lowercase DNS name or *.domain")
            }
            r.host = host
        }
        if let path = problems.typed(v["path"], at: "spec.route.path", as: "a string", \.string) {
            if let why = NameRules.routePathProblem(path) { problems.add("spec.route.path", "\(quoted(path)) \(why)") }
            r.path = path
        }
        r.stripPath = problems.typed(v["stripPath"], at: "spec.route.stripPath", as: "a boolean", \.bool) ?? true
        return r
    }

    static let scalingFields = ["minReplicas", "maxReplicas", "scaleToZero", "idleTimeout", "startupTimeout",
                                "requestTimeout", "targetConcurrency"]

    mutating func scaling(_ v: JSON) -> Scaling {
        let d = AppSpec.Defaults.self
        var s = Scaling(minReplicas: d.minReplicas, maxReplicas: d.minReplicas, scaleToZero: true,
                        idleTimeout: d.idleTimeout, startupTimeout: d.startupTimeout,
                        requestTimeout: d.requestTimeout, targetConcurrency: d.targetConcurrency)
        guard problems.typed(v, at: "spec.scaling", as: "an object", \.object) != nil else { return s }
        unknownKeys(v, at: "spec.scaling", known: Self.scalingFields, noun: "field")
        s.minReplicas = count(v["minReplicas"], at: "spec.scaling.minReplicas", range: 1...1000) ?? s.minReplicas
        s.maxReplicas = count(v["maxReplicas"], at: "spec.scaling.maxReplicas", range: 1...1000) ?? s.minReplicas
        if s.minReplicas > s.maxReplicas {
            problems.add("spec.scaling.maxReplicas", "\(s.maxReplicas) is below minReplicas \(s.minReplicas)")
        }
        s.scaleToZero = problems.typed(v["scaleToZero"], at: "spec.scaling.scaleToZero", as: "a boolean", \.bool) ?? true
        s.idleTimeout = duration(v["idleTimeout"], at: "spec.scaling.idleTimeout", min: .seconds(1)) ?? s.idleTimeout
        s.startupTimeout = duration(v["startupTimeout"], at: "spec.scaling.startupTimeout", min: .seconds(1),
                                    max: .seconds(3600)) ?? s.startupTimeout
        s.requestTimeout = duration(v["requestTimeout"], at: "spec.scaling.requestTimeout", min: .seconds(1)) ?? s.requestTimeout
        s.targetConcurrency = count(v["targetConcurrency"], at: "spec.scaling.targetConcurrency", range: 1...10000)
            ?? s.targetConcurrency
        return s
    }

    private mutating func count(_ v: JSON, at field: String, range: ClosedRange<Int>) -> Int? {
        guard let n = problems.typed(v, at: field, as: "an integer", \.int) else { return nil }
        guard range.contains(n) else {
            problems.add(field, "\(n) is out of range (\(range.lowerBound)-\(range.upperBound))")
            return nil
        }
        return n
    }

    private mutating func duration(_ v: JSON, at field: String, min: AppDuration,
                                   max: AppDuration = .seconds(366 * 86_400)) -> AppDuration? {
        guard let text = problems.typed(v, at: field, as: "a duration string", \.string) else { return nil }
        guard let d = AppDuration(parsing: text) else {
            problems.add(field, "invalid duration \(quoted(text)) (examples: 500ms, 180s, 3m, 1h30m)")
            return nil
        }
        guard d >= min, d <= max else {
            problems.add(field, "\(quoted(text)) must be between \(min) and \(max)")
            return nil
        }
        return d
    }
}
