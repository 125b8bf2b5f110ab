import Testing
import DozeJSON
@testable import LocalCluster

@Suite struct VarExpansionTests {
    let env = ["PORT": "8000", "HOST": "127.1.0.1", "EMPTY": ""]

    @Test func replacesDefinedReferences() {
        #expect(VarExpansion.expand("--bind $(HOST):$(PORT)", in: env) == "--bind 127.1.0.1:8000")
        #expect(VarExpansion.expand("x$(EMPTY)y", in: env) == "xy")
    }

    @Test func leavesUndefinedReferencesAsWritten() {
        #expect(VarExpansion.expand("$(NOPE) and $(PORT)", in: env) == "$(NOPE) and 8000")
    }

    @Test func doubleDollarEscapes() {
        #expect(VarExpansion.expand("$$(PORT)", in: env) == "$(PORT)")
        #expect(VarExpansion.expand("$$$(PORT)", in: env) == "$8000")
        #expect(VarExpansion.expand("cost $$5", in: env) == "cost $5")
    }

    @Test func otherDollarsStay() {
        #expect(VarExpansion.expand("$HOME $ $(PORT", in: env) == "$HOME $ $(PORT")
        #expect(VarExpansion.expand("end$", in: env) == "end$")
        #expect(VarExpansion.expand("${PORT}", in: env) == "${PORT}")
    }
}

@Suite struct ContainerEnvironmentTests {
    let pod = testPod("web-abc", namespace: "shop", containers: [],
                      extraSpec: ["nodeName": "doze-local"])

    let config = ConfigSource { kind, namespace, name in
        switch (kind, namespace, name) {
        case (.secret, "shop", "db"): return ["password": "s3cret"]
        case (.configMap, "shop", "settings"): return ["mode": "fast", "level": "3"]
        default: return nil
        }
    }

    func build(_ container: JSON) async throws(ContainerConfigError) -> ContainerEnvironment {
        try await ContainerEnvironment.build(pod: pod, container: container, podIP: "127.1.0.9",
                                             hostIP: "127.0.0.1", config: config)
    }

    @Test func valuesDownwardAPIAndReferences() async throws {
        let env = try await build([
            "name": "app",
            "envFrom": [["configMapRef": ["name": "settings"], "prefix": "CFG_"]],
            "env": [
                ["name": "PORT", "value": "8000"],
                ["name": "POD_IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]],
                ["name": "NAME", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]],
                ["name": "NS", "valueFrom": ["fieldRef": ["fieldPath": "metadata.namespace"]]],
                ["name": "NODE", "valueFrom": ["fieldRef": ["fieldPath": "spec.nodeName"]]],
                ["name": "PASSWORD", "valueFrom": ["secretKeyRef": ["name": "db", "key": "password"]]],
                ["name": "MODE", "valueFrom": ["configMapKeyRef": ["name": "settings", "key": "mode"]]],
                ["name": "URL", "value": "http://$(POD_IP):$(PORT)/$(LATER)"],
                ["name": "LATER", "value": "x"],
            ],
        ])
        #expect(env.values["POD_IP"] == "127.1.0.9")
        #expect(env.values["NAME"] == "web-abc")
        #expect(env.values["NS"] == "shop")
        #expect(env.values["NODE"] == "doze-local")
        #expect(env.values["PASSWORD"] == "s3cret")
        #expect(env.values["MODE"] == "fast")
        #expect(env.values["CFG_level"] == "3")
        // Only variables defined earlier expand, as in kubelet.
        #expect(env.values["URL"] == "http://127.1.0.9:8000/$(LATER)")
        #expect(env.envp.first == "CFG_level=3")
    }

    @Test func commandAndArgsExpandAgainstTheWholeEnvironment() async throws {
        let container: JSON = [
            "command": ["python3", "-m", "http.server"],
            "args": ["$(PORT)", "--bind", "$(POD_IP)", "$$(PORT)", "$(UNSET)"],
            "env": [["name": "PORT", "value": "8000"],
                    ["name": "POD_IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]]],
        ]
        let env = try await build(container)
        #expect(env.argv(for: container) == ["python3", "-m", "http.server", "8000", "--bind", "127.1.0.9", "$(PORT)", "$(UNSET)"])
    }

    @Test func noCommandMeansNoArgv() async throws {
        let container: JSON = ["image": "nginx", "args": ["-g", "daemon off;"]]
        #expect(try await build(container).argv(for: container) == nil)
    }

    @Test func missingSecretIsAConfigError() async {
        await #expect(throws: ContainerConfigError(description: "secret \"nope\" not found")) {
            try await build(["env": [["name": "X", "valueFrom": ["secretKeyRef": ["name": "nope", "key": "k"]]]]])
        }
        await #expect(throws: ContainerConfigError(description: "couldn't find key other in Secret shop/db")) {
            try await build(["env": [["name": "X", "valueFrom": ["secretKeyRef": ["name": "db", "key": "other"]]]]])
        }
    }

    @Test func optionalReferencesThatAreMissingAreLeftOut() async throws {
        let env = try await build(["env": [
            ["name": "X", "valueFrom": ["secretKeyRef": ["name": "nope", "key": "k", "optional": true]]],
            ["name": "Y", "valueFrom": ["configMapKeyRef": ["name": "settings", "key": "none", "optional": true]]],
        ]])
        #expect(env.values.isEmpty)
    }
}

@Suite struct PodIPPoolTests {
    @Test func handsOutAddressesInOrderSkippingNetworkAndBroadcast() {
        let pool = PodIPPool(first: "127.9.0.254", last: "127.9.1.2")
        #expect(pool.allocate() == "127.9.0.254")
        #expect(pool.allocate() == "127.9.1.1")   // .255 and .0 skipped
        #expect(pool.allocate() == "127.9.1.2")
        #expect(pool.allocate() == nil)
        pool.release("127.9.1.1")
        #expect(pool.allocate() == "127.9.1.1")
        #expect(pool.inUseCount == 3)
    }

    @Test func releasedAddressesWaitUntilTheRangeIsUsedUp() {
        let pool = PodIPPool(first: "127.9.0.1", last: "127.9.0.3")
        let a = pool.allocate()!
        pool.release(a)
        #expect(pool.allocate() == "127.9.0.2")
        #expect(pool.allocate() == "127.9.0.3")
        #expect(pool.allocate() == a)
    }

    @Test func aPodAddressCanBeBoundWithoutSetup() throws {
        let ip = testIPPool().allocate()!
        let port = freePort(on: ip)
        #expect(port > 0)
    }
}
