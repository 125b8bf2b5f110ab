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
        let req = HTTPRequest(method: "POST", target: "/apis/apps/v1/namespaces/default/deployments",
                              headers: ["Content-Type": "application/vnd.kubernetes.protobuf"],
                              body: envelope(kind: "Deployment", raw: field(1, text(1, "d"))))
        #expect(await api.server.handle(req).status == 415)
    }
}
