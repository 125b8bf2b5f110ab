import DozeJSON
import Testing
@testable import Controller

/// What the goldens cannot show on their own: how outputs change (or do not) as inputs change.
@Suite struct RenderPropertyTests {
    static let context = RenderContext(baseURL: "http://localhost:8080")

    static func app(_ spec: String) throws -> App {
        try App(parsing: try AppValidationTests.app(spec: spec))
    }

    static func hash(_ app: App, replicas: DesiredReplicas = .count(1)) -> String {
        app.render(context, replicas: replicas).deployment[path: "spec", "template", "metadata", "annotations", "doze.dev/template-hash"].string!
    }

    static let base = #"{"image":"x","params":{"A":"1"},"volumes":[{"mountPath":"/f","secretTemplate":"a={{.params.A}}"}]"#

    @Test func templateHashFollowsWhatRollsPods() throws {
        let h = Self.hash(try Self.app(Self.base + "}"))
        #expect(h.count == 16)
        // Same input, same hash; replicas and sleep settings do not roll pods.
        #expect(Self.hash(try Self.app(Self.base + "}")) == h)
        #expect(Self.hash(try Self.app(Self.base + "}"), replicas: .count(0)) == h)
        #expect(Self.hash(try Self.app(Self.base + "}"), replicas: .autoscaler) == h)
        #expect(Self.hash(try Self.app(Self.base + #","scaling":{"idleTimeout":"10m","maxReplicas":1}}"#)) == h)
        // The image, a param (env and rendered file) and the startup budget do.
        #expect(Self.hash(try Self.app(Self.base.replacingOccurrences(of: #""x""#, with: #""y""#) + "}")) != h)
        #expect(Self.hash(try Self.app(Self.base.replacingOccurrences(of: #""1""#, with: #""2""#) + "}")) != h)
        #expect(Self.hash(try Self.app(Self.base + #","scaling":{"startupTimeout":"10s"}}"#)) != h)
    }

    /// The rendered files' content is part of the hash: a subPath mount never sees a Secret
    /// update, so a changed file must roll the pods.
    @Test func renderedFileContentIsInTheHash() throws {
        let a = try Self.app(Self.base + "}")
        let r = a.render(Self.context, replicas: .count(1))
        var template = r.deployment[path: "spec", "template"]
        template[path: "metadata", "annotations"] = .null
        let changedSecret = r.secrets.map { s -> JSON in var s = s; s["data"] = ["f": "eg=="]; return s }
        #expect(a.templateHash(template, secrets: r.secrets) == Self.hash(a))
        #expect(a.templateHash(template, secrets: changedSecret) != Self.hash(a))
    }

    @Test func secretValuesNeverAppearInTheDeployment() throws {
        let a = try Self.app(#"{"image":"x","secrets":{"TOKEN":{"secretName":"s","key":"k"}}}"#)
        let env = a.render(Self.context, replicas: .count(1)).deployment[path: "spec", "template", "spec", "containers"][0]["env"]
        let token = try #require(env.array?.first { $0["name"] == "TOKEN" })
        #expect(token["value"].isNull)
        #expect(token["valueFrom"] == ["secretKeyRef": ["name": "s", "key": "k"]])
    }

    @Test func replicasFollowTheInputAndTheClaimCap() throws {
        let plain = try Self.app(#"{"image":"x","scaling":{"minReplicas":3,"maxReplicas":5}}"#)
        #expect(plain.render(Self.context, replicas: .count(3)).deployment[path: "spec", "replicas"] == 3)
        #expect(plain.render(Self.context, replicas: .count(0)).deployment[path: "spec", "replicas"] == 0)
        #expect(plain.render(Self.context, replicas: .autoscaler).deployment["spec"].object?.keys.contains("replicas") == false)
        let claimed = try Self.app(#"{"image":"x","volumes":[{"name":"d","mountPath":"/d"}]}"#)
        #expect(claimed.render(Self.context, replicas: .count(4)).deployment[path: "spec", "replicas"] == 1)
        #expect(claimed.render(Self.context, replicas: .count(0)).deployment[path: "spec", "replicas"] == 0)
        #expect(claimed.render(Self.context, replicas: .count(1)).warnings == [], "no warning while maxReplicas is 1")
    }

    @Test func claimsAreOwnedOnlyWhenNotRetained() throws {
        let a = try Self.app(#"{"image":"x","volumes":[{"name":"keep","mountPath":"/k"},{"name":"drop","mountPath":"/d","retain":false}]}"#)
        let claims = a.render(Self.context, replicas: .count(1)).claims
        #expect(claims.map { $0[path: "metadata", "name"].string! } == ["hello-keep", "hello-drop"])
        #expect(claims[0][path: "metadata", "ownerReferences"].isNull)
        #expect(claims[0][path: "metadata", "labels", "doze.dev/app"] == "hello")
        #expect(claims[1][path: "metadata", "ownerReferences"] == [a.ownerReference])
    }

    @Test func externalURL() throws {
        let ctx = RenderContext(baseURL: "https://apps.example.com/", hostScheme: "https")
        #expect(ctx.externalURL(of: Route(host: nil, path: "/", stripPath: true)) == "https://apps.example.com")
        #expect(ctx.externalURL(of: Route(host: nil, path: "/a", stripPath: true)) == "https://apps.example.com/a")
        #expect(ctx.externalURL(of: Route(host: "h.example.com", path: "/", stripPath: true)) == "https://h.example.com")
        #expect(ctx.externalURL(of: Route(host: "*.example.com", path: "/a", stripPath: true)) == "https://apps.example.com/a")
        // doze dev: the proxy is on a non-default port, which a host URL must carry.
        let dev = RenderContext(baseURL: "http://localhost:8080", hostPort: 8080)
        #expect(dev.externalURL(of: Route(host: "hello.localhost", path: "/", stripPath: true)) == "http://hello.localhost:8080")
        #expect(dev.externalURL(of: Route(host: "h.localhost", path: "/x", stripPath: false)) == "http://h.localhost:8080/x")
    }

    @Test func childrenApplyInDependencyOrder() throws {
        let a = try Self.app(#"{"image":"x","volumes":[{"name":"d","mountPath":"/d"},{"mountPath":"/f","secretTemplate":"x"}]}"#)
        let kinds = a.render(Self.context, replicas: .count(1)).objects.map { $0["kind"].string! }
        #expect(kinds == ["Secret", "PersistentVolumeClaim", "Deployment", "Service"])
    }

    @Test func fnvMatchesTheReferenceVectors() {
        // From the FNV reference test suite (draft-eastlake-fnv): FNV-1a 64 of "" and "a".
        #expect(FNV1a.hash64("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hex("foobar") == "85944171f73967e8")
    }

    @Test func base64MatchesRFC4648() {
        for (plain, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")] {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
        }
    }
}
