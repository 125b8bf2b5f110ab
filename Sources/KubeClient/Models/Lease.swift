import DozeJSON
import Foundation

/// coordination.k8s.io/v1 Lease: the lock of leader election.
public struct Lease: KubeObject {
    public static let resourceType = ResourceType.lease
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var spec: LeaseSpec { get { view("spec") } set { set("spec", newValue) } }
}

public struct LeaseSpec: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var holderIdentity: String? { get { string("holderIdentity") } set { set("holderIdentity", newValue) } }
    public var leaseDurationSeconds: Int? {
        get { int("leaseDurationSeconds") }
        set { set("leaseDurationSeconds", newValue) }
    }
    public var leaseTransitions: Int? { get { int("leaseTransitions") } set { set("leaseTransitions", newValue) } }
    /// MicroTime text, as stored.
    public var acquireTime: String? { get { string("acquireTime") } set { set("acquireTime", newValue) } }
    public var renewTime: String? { get { string("renewTime") } set { set("renewTime", newValue) } }

    /// The times as dates; setting writes MicroTime (six fractional digits).
    public var acquireDate: Date? {
        get { acquireTime.flatMap(KubeTime.parse) }
        set { acquireTime = newValue.map(KubeTime.formatMicro) }
    }
    public var renewDate: Date? {
        get { renewTime.flatMap(KubeTime.parse) }
        set { renewTime = newValue.map(KubeTime.formatMicro) }
    }
}
