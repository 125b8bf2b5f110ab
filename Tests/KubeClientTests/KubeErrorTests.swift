import DozeJSON
import Testing
@testable import KubeClient

@Suite struct KubeErrorTests {
    static func status(_ code: Int, _ reason: String) -> [UInt8] {
        let json: JSON = ["kind": "Status", "apiVersion": "v1", "status": "Failure", "code": JSON(code), "reason": JSON(reason),
              "message": "m", "details": ["name": "x", "retryAfterSeconds": 3,
                                          "causes": [["reason": "FieldValueInvalid", "field": "spec.a", "message": "bad"]]]]
        return json.serializedBytes()
    }

    @Test func predicates() {
        #expect(KubeError.api(code: 404, body: Self.status(404, "NotFound")).isNotFound)
        let conflict = KubeError.api(code: 409, body: Self.status(409, "Conflict"))
        #expect(conflict.isConflict && !conflict.isAlreadyExists)
        let exists = KubeError.api(code: 409, body: Self.status(409, "AlreadyExists"))
        #expect(exists.isAlreadyExists && !exists.isConflict)
        #expect(KubeError.api(code: 410, body: Self.status(410, "Gone")).isGone)
        // An ERROR watch event says Expired; some servers send it with another code.
        #expect(KubeError.api(code: 500, body: Self.status(500, "Expired")).isGone)
        #expect(KubeError.api(code: 429, body: Self.status(429, "TooManyRequests")).isTooManyRequests)
        #expect(KubeError.api(code: 422, body: Self.status(422, "Invalid")).isInvalid)
        #expect(KubeError.api(code: 403, body: Self.status(403, "Forbidden")).isForbidden)
        #expect(KubeError.api(code: 401, body: Self.status(401, "Unauthorized")).isUnauthorized)
        let transport = KubeError.transport("reset")
        #expect(transport.isTransport && transport.statusCode == nil && !transport.isNotFound)
        #expect(!conflict.isTransport)
    }

    @Test func decodedStatusDetails() {
        let e = KubeError.api(code: 422, body: Self.status(422, "Invalid"))
        #expect(e.statusCode == 422)
        #expect(e.reason == "Invalid")
        #expect(e.message == "m")
        #expect(e.status?.details?.name == "x")
        #expect(e.status?.details?.retryAfterSeconds == 3)
        #expect(e.status?.details?.causes.first?.field == "spec.a")
        #expect(e.status?.details?.causes.first?.reason == "FieldValueInvalid")
    }

    @Test func nonStatusBodyStillHasAReason() {
        let e = KubeError.api(code: 503, body: Array("<html>busy</html>".utf8))
        #expect(e.reason == "ServiceUnavailable")
        #expect(e.message == "<html>busy</html>")
        #expect(e.isServerError)
    }
}
