import DozeJSON

extension App {
    /// Reads and validates an App object (as the API server returns it). Repeats every check the
    /// CRD schema makes, and those it cannot make, because the schema may have been bypassed or an
    /// older CRD may be installed: a malformed App must become a condition, never a crash or a
    /// child object the API server rejects. Throws every problem found, not just the first.
    public init(parsing object: JSON) throws(InvalidSpec) {
        var p = ProblemList()
        let meta = object["metadata"]
        name = meta["name"].string ?? ""
        namespace = meta["namespace"].string ?? ""
        uid = meta["uid"].string ?? ""
        generation = Int64(meta["generation"].int ?? 0)
        if !NameRules.isDNS1035Label(name) {
            p.add("metadata.name", "\(quoted(name)) must be a DNS label of at most 63 characters starting with a letter (it names the app's Service)")
        }
        if namespace.isEmpty { p.add("metadata.namespace", "is required") }
        var parser = SpecParser(problems: p)
        let parsed = parser.spec(object["spec"])
        try parser.problems.finish()
        spec = parsed!
    }
}

/// Field-by-field reading of `spec`, recording problems and falling back to defaults so that one
/// pass finds every problem.
struct SpecParser {
    var problems: ProblemList

    static let specFields = ["image", "command", "args", "port", "health", "params", "secrets",
                             "containerOptions", "volumes", "route", "scaling"]

    mutating func spec(_ s: JSON) -> AppSpec? {
        guard s.object != nil else {
            problems.add("spec", s.isNull ? "is required" : "must be an object, not \(s.typeName)")
            return nil
        }
        unknownKeys(s, at: "spec", known: Self.specFields, noun: "field")
        // Read in spec order, so that problems are reported in the order of the fields.
        let image = image(s["image"])
        let command = strings(s["command"], at: "spec.command")
        let args = strings(s["args"], at: "spec.args")
        let port = port(s["port"])
        let health = health(s["health"])
        let params = self.params(s["params"])
        let secrets = secrets(s["secrets"], params: params)
        let resources = resources(s["containerOptions"])
        let volumes = volumes(s["volumes"], params: params)
        let spec = AppSpec(image: image, command: command, args: args, port: port, health: health,
                           params: params, secrets: secrets, resources: resources, volumes: volumes,
                           route: route(s["route"]), scaling: scaling(s["scaling"]))
        return spec
    }

    /// Rejects keys the controller does not know, naming the known ones, instead of ignoring them
    /// as OpenRun does with `cpu-shares`: an ignored setting is a silent surprise later.
    mutating func unknownKeys(_ obj: JSON, at field: String, known: [String], noun: String) {
        for key in (obj.object ?? [:]).keys.sorted() where !known.contains(key) {
            problems.add(field, "unknown \(noun) \(quoted(key)); known \(noun)s: \(known.joined(separator: ", "))")
        }
    }

    mutating func image(_ v: JSON) -> String {
        guard let s = problems.typed(v, at: "spec.image", as: "a string", \.string) else {
            if v.isNull { problems.add("spec.image", "is required") }
            return ""
        }
        if s.isEmpty || s.contains(where: \.isWhitespace) || s.utf8.count > 1024 {
            problems.add("spec.image", "\(quoted(s)) is not an image reference")
        }
        return s
    }

    mutating func strings(_ v: JSON, at field: String) -> [String]? {
        guard let items = problems.typed(v, at: field, as: "a list of strings", \.array) else { return nil }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            if let s = problems.typed(item, at: "\(field)[\(i)]", as: "a string", \.string) { out.append(s) }
            else if item.isNull { problems.add("\(field)[\(i)]", "must be a string, not null") }
        }
        return out
    }

    mutating func port(_ v: JSON) -> Int {
        guard let n = problems.typed(v, at: "spec.port", as: "an integer", \.int) else { return AppSpec.Defaults.port }
        if !(1...65535).contains(n) { problems.add("spec.port", "\(n) is not a port number (1-65535)") }
        return n
    }

    mutating func health(_ v: JSON) -> String {
        guard let s = problems.typed(v, at: "spec.health", as: "a string", \.string) else { return AppSpec.Defaults.health }
        if !s.hasPrefix("/") || s.contains(where: \.isWhitespace) || s.utf8.count > 1024 {
            problems.add("spec.health", "\(quoted(s)) must be a path starting with / and without spaces")
        }
        return s
    }

    /// Params become env values. The CRD types them as strings; from an older or bypassed schema
    /// a number, boolean, list or map is JSON-encoded, as OpenRun passes lists and dicts.
    mutating func params(_ v: JSON) -> [String: String] {
        guard let obj = problems.typed(v, at: "spec.params", as: "a map", \.object) else { return [:] }
        if obj.count > 256 { problems.add("spec.params", "has \(obj.count) entries; at most 256") }
        var out: [String: String] = [:]
        for key in obj.keys.sorted() {
            checkEnvName(key, at: "spec.params")
            switch obj[key]! {
            case .string(let s): out[key] = s
            case .null: problems.add("spec.params.\(key)", "must be a string, not null")
            case let value: out[key] = value.serialized()
            }
        }
        return out
    }

    mutating func checkEnvName(_ key: String, at field: String) {
        if !NameRules.isEnvName(key) {
            problems.add(field, "\(quoted(key)) is not a valid environment variable name")
        } else if AppSpec.reservedEnv.contains(key) {
            problems.add("\(field).\(key)", "is set by Doze; choose another name (reserved: \(AppSpec.reservedEnv.sorted().joined(separator: ", ")))")
        }
    }

    mutating func secrets(_ v: JSON, params: [String: String]) -> [String: SecretRef] {
        guard let obj = problems.typed(v, at: "spec.secrets", as: "a map", \.object) else { return [:] }
        if obj.count > 256 { problems.add("spec.secrets", "has \(obj.count) entries; at most 256") }
        var out: [String: SecretRef] = [:]
        for envName in obj.keys.sorted() {
            let field = "spec.secrets.\(envName)"
            checkEnvName(envName, at: "spec.secrets")
            if params[envName] != nil { problems.add(field, "is also a param; an environment variable has one source") }
            let ref = obj[envName]!
            guard ref.object != nil else { problems.add(field, "must be an object with secretName and key"); continue }
            unknownKeys(ref, at: field, known: ["secretName", "key", "optional"], noun: "field")
            let name = problems.typed(ref["secretName"], at: "\(field).secretName", as: "a string", \.string) ?? ""
            let key = problems.typed(ref["key"], at: "\(field).key", as: "a string", \.string) ?? ""
            let optional = problems.typed(ref["optional"], at: "\(field).optional", as: "a boolean", \.bool) ?? false
            if ref["secretName"].isNull { problems.add("\(field).secretName", "is required") }
            else if !NameRules.isDNS1123Subdomain(name) {
                problems.add("\(field).secretName", "\(quoted(name)) is not a Secret name")
            }
            if ref["key"].isNull { problems.add("\(field).key", "is required") }
            else if !NameRules.isSecretKey(key) { problems.add("\(field).key", "\(quoted(key)) is not a Secret key") }
            out[envName] = SecretRef(secretName: name, key: key, optional: optional)
        }
        return out
    }

    mutating func resources(_ v: JSON) -> Resources {
        let field = "spec.containerOptions"
        guard problems.typed(v, at: field, as: "a map", \.object) != nil else { return Resources() }
        unknownKeys(v, at: field, known: AppSpec.knownContainerOptions, noun: "option")
        var r = Resources()
        if !v["cpus"].isNull {
            r.cpu = Quantity.cpu(v["cpus"])
            if r.cpu == nil { problems.add("\(field).cpus", "invalid CPU quantity \(shown(v["cpus"])) (examples: 2, 0.5, 500m)") }
        }
        if !v["memory"].isNull {
            if let (bytes, canonical) = Quantity.bytes(v["memory"]) {
                if bytes < 6 << 20 { problems.add("\(field).memory", "\(shown(v["memory"])) is below the 6 MiB minimum") }
                r.memory = canonical
            } else {
                problems.add("\(field).memory", "invalid quantity \(shown(v["memory"])) (examples: 512m, 1g, 512Mi, 1G)")
            }
        }
        return r
    }

    /// A value as the user wrote it: strings quoted, numbers bare.
    func shown(_ v: JSON) -> String { v.serialized() }
}
