import Testing

/// Every end-to-end suite runs inside this one, one test at a time: each test runs a whole
/// `doze dev` (cluster, controller, proxy, pods), and the machine is small.
@Suite(.serialized) enum EndToEnd {}
