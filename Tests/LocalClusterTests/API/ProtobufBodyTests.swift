import DozeJSON
import HTTPCore
import Testing
@testable import LocalCluster

@Suite struct ProtobufBodyTests {
    func field(_ n: UInt8, _ payload: [UInt8]) -> [UInt8] { [n << 3 | 2, UInt8(payload.count)] + payload }
    func text(_ n: UInt8, _ s: String) -> [UInt8] { field(n, Array(s.utf8)) }

    func envelope(kind: String, raw: [UInt8]) -> [UInt8] {
        Array("k8s".utf8) + [0] + field(1, text(1, "v1") + text(2, kind)) + field(2, raw)
    }

    @Test func configMapCreatedFromProtobuf() async {
        let meta = text(1, "pb") + field(11, text(1, "app") + text(2, "web"))
        let raw = field(1, meta) + field(2, text(1, "a") + text(2, "1"))
        let api = APIClient()
        let req = HTTPRequest(method: "POST", target: "/api/v1/namespaces/default/configmaps",
                              headers: ["Content-Type": "application/vnd.kubernetes.protobuf"],
                              body: envelope(kind: "ConfigMap", raw: raw))
        let resp = await api.server.handle(req)
        #expect(resp.status == 201)
        let cm = await api.get("/api/v1/namespaces/default/configmaps/pb").json
        #expect(cm["data"]["a"] == "1" && cm["metadata"]["labels"]["app"] == "web")
    }

    @Test func unknownKindIsUnsupportedMediaType() async {
        let api = APIClient()
        let req = HTTPRequest(method: "POST", target: "/apis/apps/v1/namespaces/default/statefulsets",
                              headers: ["Content-Type": "application/vnd.kubernetes.protobuf"],
                              body: envelope(kind: "StatefulSet", raw: field(1, text(1, "d"))))
        #expect(await api.server.handle(req).status == 404)
        let pvc = HTTPRequest(method: "POST", target: "/api/v1/namespaces/default/persistentvolumeclaims",
                              headers: ["Content-Type": "application/vnd.kubernetes.protobuf"],
                              body: envelope(kind: "PersistentVolumeClaim", raw: field(1, text(1, "d"))))
        #expect(await api.server.handle(pvc).status == 415)
    }

    @Test func deploymentFromProtobuf() async {
        let labels = field(11, text(1, "app") + text(2, "d"))
        let container = text(1, "nginx") + text(2, "nginx:1.27") + field(6, [3 << 3, 80])
        let spec = [1 << 3, 2] + field(2, field(1, text(1, "app") + text(2, "d")))
            + field(3, field(1, labels) + field(2, field(2, container)))
        let raw = field(1, text(1, "d") + labels) + field(2, spec)
        let api = APIClient()
        let req = HTTPRequest(method: "POST", target: "/apis/apps/v1/namespaces/default/deployments",
                              headers: ["Content-Type": "application/vnd.kubernetes.protobuf"],
                              body: Array("k8s".utf8) + [0] + field(1, text(1, "apps/v1") + text(2, "Deployment")) + field(2, raw))
        #expect(await api.server.handle(req).status == 201)
        let d = await api.get("/apis/apps/v1/namespaces/default/deployments/d").json
        #expect(d["spec"]["replicas"] == 2 && d["spec"]["selector"]["matchLabels"]["app"] == "d")
        #expect(d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27")
        #expect(d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] == 80)
    }
}
