/// The sleep loop's timing (`ControllerOptions.sleep`; `doze controller --sleep-interval`).
public struct SleepSettings: Sendable, Equatable {
    /// The longest time between two gathers of /activity (and two decisions).
    public var interval: Duration = .seconds(1)
    /// Timeout of one admin request to a proxy replica.
    public var requestTimeout: Duration = .milliseconds(800)
    public var fenceTTL: Duration = .seconds(10)
    public var reportLifetime: Duration = .seconds(120)
    /// Concurrency scaling goes down only after this long below the current count.
    public var scaleDownDelay: Duration = .seconds(30)
    /// lastActivityTime is written at most this often while awake.
    public var activityWriteInterval: Duration = .seconds(60)
    /// After repeated aborted attempts, the longest wait before the next one.
    public var maxRetryDelay: Duration = .seconds(30)

    public init() {}
}
