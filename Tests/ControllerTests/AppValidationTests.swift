import DozeJSON
import Testing
@testable import Controller

/// Each row: a spec (merged into a valid App) and the exact problems the controller reports.
/// These are the messages users read in `kubectl describe app`, so they are pinned word for word.
struct InvalidCase: CustomTestStringConvertible, Sendable {
    let name: String
    let spec: String
    let problems: [String]
    var testDescription: String { name }
}

@Suite struct AppValidationTests {
    static func app(spec: String, name: String = "hello") throws -> JSON {
        var app: JSON = ["apiVersion": "doze.dev/v1alpha1", "kind": "App",
                         "metadata": ["name": .string(name), "namespace": "default", "uid": "u-1"]]
        app["spec"] = try JSON(parsing: spec)
        return app
    }

    static let cases: [InvalidCase] = [
        InvalidCase(name: "image missing", spec: #"{}"#, problems: ["spec.image: is required"]),
        InvalidCase(name: "unknown container option", spec: #"{"image":"x","containerOptions":{"cpu-shares":"512","cpus":"1"}}"#,
                    problems: [#"spec.containerOptions: unknown option "cpu-shares"; known options: cpus, memory"#]),
        InvalidCase(name: "bad memory", spec: #"{"image":"x","containerOptions":{"memory":"12x"}}"#,
                    problems: [#"spec.containerOptions.memory: invalid quantity "12x" (examples: 512m, 1g, 512Mi, 1G)"#]),
        InvalidCase(name: "tiny memory", spec: #"{"image":"x","containerOptions":{"memory":"512"}}"#,
                    problems: [#"spec.containerOptions.memory: "512" is below the 6 MiB minimum"#]),
        InvalidCase(name: "bad cpus", spec: #"{"image":"x","containerOptions":{"cpus":"0.0001"}}"#,
                    problems: [#"spec.containerOptions.cpus: invalid CPU quantity "0.0001" (examples: 2, 0.5, 500m)"#]),
        InvalidCase(name: "zero cpus", spec: #"{"image":"x","containerOptions":{"cpus":0}}"#,
                    problems: [#"spec.containerOptions.cpus: invalid CPU quantity 0 (examples: 2, 0.5, 500m)"#]),
        InvalidCase(name: "port range", spec: #"{"image":"x","port":70000}"#,
                    problems: ["spec.port: 70000 is not a port number (1-65535)"]),
        InvalidCase(name: "port type", spec: #"{"image":"x","port":"80"}"#,
                    problems: ["spec.port: must be an integer, not string"]),
        InvalidCase(name: "durations", spec: #"{"image":"x","scaling":{"idleTimeout":"3 minutes","startupTimeout":"2h","requestTimeout":"500ms"}}"#,
                    problems: [#"spec.scaling.idleTimeout: invalid duration "3 minutes" (examples: 500ms, 180s, 3m, 1h30m)"#,
                               #"spec.scaling.startupTimeout: "2h" must be between 1s and 1h"#,
                               #"spec.scaling.requestTimeout: "500ms" must be between 1s and 8784h"#]),
        InvalidCase(name: "min above max", spec: #"{"image":"x","scaling":{"minReplicas":3,"maxReplicas":2}}"#,
                    problems: ["spec.scaling.maxReplicas: 2 is below minReplicas 3"]),
        InvalidCase(name: "route path rules", spec: #"{"image":"x","route":{"path":"hello/"}}"#,
                    problems: [#"spec.route.path: "hello/" must start with /"#]),
        InvalidCase(name: "route trailing slash", spec: #"{"image":"x","route":{"path":"/hello/"}}"#,
                    problems: [#"spec.route.path: "/hello/" must not end with /"#]),
        InvalidCase(name: "route dot segment", spec: #"{"image":"x","route":{"path":"/a/../b"}}"#,
                    problems: [#"spec.route.path: "/a/../b" must not contain . or .. segments"#]),
        InvalidCase(name: "route host", spec: #"{"image":"x","route":{"host":"Hello.Example.com"}}"#,
                    problems: [#"spec.route.host: "Hello.Example.com" must be a lowercase DNS name or *.domain"#]),
        InvalidCase(name: "volume needs one source", spec: #"{"image":"x","volumes":[{"mountPath":"/data"}]}"#,
                    problems: ["spec.volumes[0]: needs exactly one of name (a persistent volume) or secretTemplate (a rendered file)"]),
        InvalidCase(name: "volume with both", spec: #"{"image":"x","volumes":[{"name":"d","secretTemplate":"x","mountPath":"/d"}]}"#,
                    problems: ["spec.volumes[0]: needs exactly one of name (a persistent volume) or secretTemplate (a rendered file)"]),
        InvalidCase(name: "template size", spec: #"{"image":"x","volumes":[{"secretTemplate":"x","size":"1Gi","mountPath":"/d"}]}"#,
                    problems: ["spec.volumes[0].size: applies only to a named volume, not to a secretTemplate"]),
        InvalidCase(name: "duplicate mount", spec: #"{"image":"x","volumes":[{"name":"a","mountPath":"/d"},{"name":"b","mountPath":"/d"}]}"#,
                    problems: [#"spec.volumes[1].mountPath: "/d" is mounted twice"#]),
        InvalidCase(name: "bad template", spec: #"{"image":"x","params":{"A":"1"},"volumes":[{"secretTemplate":"a\n{{.Values.A}}","mountPath":"/f"}]}"#,
                    problems: ["spec.volumes[0].secretTemplate: line 2, column 1: unsupported action {{.Values.A}}; supported: {{.params.KEY}}, {{range $k, $v := .params}}…{{end}}, {{$k}}, {{$v}}, {{- and -}}"]),
        InvalidCase(name: "template missing param", spec: #"{"image":"x","volumes":[{"secretTemplate":"{{.params.NOPE}}","mountPath":"/f"}]}"#,
                    problems: [#"spec.volumes[0].secretTemplate: line 1, column 1: no param "NOPE""#]),
        InvalidCase(name: "bad volume size and name", spec: #"{"image":"x","volumes":[{"name":"Data","size":"ten","mountPath":"/d"}]}"#,
                    problems: [#"spec.volumes[0].name: "Data" must be a DNS label of at most 59 characters"#,
                               #"spec.volumes[0].size: invalid quantity "ten" (examples: 1Gi, 10Gi, 1g)"#]),
        InvalidCase(name: "mount path", spec: #"{"image":"x","volumes":[{"name":"d","mountPath":"data"}]}"#,
                    problems: [#"spec.volumes[0].mountPath: "data" must be an absolute path"#]),
        InvalidCase(name: "reserved env", spec: #"{"image":"x","params":{"PORT":"1"}}"#,
                    problems: ["spec.params.PORT: is set by Doze; choose another name (reserved: CL_APP_PATH, CL_APP_URL, POD_IP, PORT)"]),
        InvalidCase(name: "env name", spec: #"{"image":"x","params":{"1A":"1"}}"#,
                    problems: [#"spec.params: "1A" is not a valid environment variable name"#]),
        InvalidCase(name: "secret clashes with param", spec: #"{"image":"x","params":{"K":"1"},"secrets":{"K":{"secretName":"s","key":"k"}}}"#,
                    problems: ["spec.secrets.K: is also a param; an environment variable has one source"]),
        InvalidCase(name: "secret ref", spec: #"{"image":"x","secrets":{"K":{"secretName":"Bad_Name"}}}"#,
                    problems: [#"spec.secrets.K.secretName: "Bad_Name" is not a Secret name"#, "spec.secrets.K.key: is required"]),
        InvalidCase(name: "unknown spec field", spec: #"{"image":"x","scalling":{}}"#,
                    problems: [#"spec: unknown field "scalling"; known fields: image, command, args, port, health, params, secrets, containerOptions, volumes, route, scaling"#]),
        InvalidCase(name: "health", spec: #"{"image":"x","health":"healthz"}"#,
                    problems: [#"spec.health: "healthz" must be a path starting with / and without spaces"#]),
        InvalidCase(name: "several at once", spec: #"{"image":"","port":0,"containerOptions":{"memory":"1x"}}"#,
                    problems: [#"spec.image: "" is not an image reference"#, "spec.port: 0 is not a port number (1-65535)",
                               #"spec.containerOptions.memory: invalid quantity "1x" (examples: 512m, 1g, 512Mi, 1G)"#]),
        InvalidCase(name: "reported in spec order", spec: #"{"image":"x","scaling":{"minReplicas":0},"route":{"path":"x"},"volumes":[{"mountPath":"/d"}],"params":{"B-":"1","2A":"1","1A":"1"}}"#,
                    problems: [#"spec.params: "1A" is not a valid environment variable name"#,
                               #"spec.params: "2A" is not a valid environment variable name"#,
                               "spec.volumes[0]: needs exactly one of name (a persistent volume) or secretTemplate (a rendered file)",
                               #"spec.route.path: "x" must start with /"#,
                               "spec.scaling.minReplicas: 0 is out of range (1-1000)"]),
    ]

    @Test(arguments: cases) func rejects(_ c: InvalidCase) throws {
        let error = #expect(throws: InvalidSpec.self) { try App(parsing: try Self.app(spec: c.spec)) }
        #expect(error?.problems.map(\.description) == c.problems)
    }

    @Test func sizeLimitsMatchTheCRD() throws {
        let params = (0..<257).map { "\"P\($0)\":\"v\"" }.joined(separator: ",")
        let volumes = (0..<33).map { "{\"name\":\"v\($0)\",\"mountPath\":\"/v\($0)\"}" }.joined(separator: ",")
        let error = #expect(throws: InvalidSpec.self) {
            try App(parsing: try Self.app(spec: "{\"image\":\"x\",\"params\":{\(params)},\"volumes\":[\(volumes)]}"))
        }
        #expect(error?.problems.map(\.description) == ["spec.params: has 257 entries; at most 256", "spec.volumes: has 33 entries; at most 32"])
    }

    @Test func appNameMustSuitAService() throws {
        let error = #expect(throws: InvalidSpec.self) { try App(parsing: try Self.app(spec: #"{"image":"x"}"#, name: "1app")) }
        #expect(error?.description == #"metadata.name: "1app" must be a DNS label of at most 63 characters starting with a letter (it names the app's Service)"#)
    }

    @Test func defaultsMatchTheIssue() throws {
        let app = try App(parsing: try Self.app(spec: #"{"image":"x"}"#))
        let s = app.spec
        #expect(s.port == 8000 && s.health == "/" && s.route.path == "/" && s.route.stripPath && s.route.host == nil)
        #expect(s.scaling.minReplicas == 1 && s.scaling.maxReplicas == 1 && s.scaling.scaleToZero)
        #expect(s.scaling.idleTimeout == .seconds(180) && s.scaling.startupTimeout == .seconds(120))
        #expect(s.scaling.requestTimeout == .seconds(300) && s.scaling.targetConcurrency == 100)
    }

    /// From a schema that lets non-strings through, params are JSON-encoded as OpenRun does.
    @Test func nonStringParamsAreJSONEncoded() throws {
        let app = try App(parsing: try Self.app(spec: #"{"image":"x","params":{"N":4,"B":true,"L":["a",1],"M":{"k":"v"}}}"#))
        #expect(app.spec.params == ["N": "4", "B": "true", "L": #"["a",1]"#, "M": #"{"k":"v"}"#])
    }

    @Test func maxReplicasDefaultsToMin() throws {
        let app = try App(parsing: try Self.app(spec: #"{"image":"x","scaling":{"minReplicas":3}}"#))
        #expect(app.spec.scaling.maxReplicas == 3)
    }
}
