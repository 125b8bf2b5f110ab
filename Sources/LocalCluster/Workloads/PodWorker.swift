import Foundation
import Glibc
import DozeJSON

/// Runs one pod: each container's restart loop, its probes, and its termination. Every change of
/// state is turned into a fresh `pod.status` and handed to `statuses` (newest wins).
actor PodWorker {
    let pod: JSON
    let podIP: String
    let mode: PodRuntimeMode
    let options: PodRuntimeOptions
    let config: ConfigSource
    let logs: PodLogs
    let statuses: AsyncStream<JSON>
    private let statusSink: AsyncStream<JSON>.Continuation
    private let specs: [JSON]
    private let latch = StopLatch()
    private let startTime: Date
    private var containers: [ContainerRunState]
    private var lastStatus: JSON = .emptyObject

    init(pod: JSON, podIP: String, mode: PodRuntimeMode, options: PodRuntimeOptions, config: ConfigSource) {
        self.pod = pod
        self.podIP = podIP
        self.mode = mode
        self.options = options
        self.config = config
        specs = pod[path: "spec", "containers"].array ?? []
        let names = specs.map { $0["name"].string ?? "" }
        logs = PodLogs(containerNames: names)
        containers = specs.map { ContainerRunState(name: $0["name"].string ?? "", image: $0["image"].string ?? "") }
        startTime = options.now()
        (statuses, statusSink) = AsyncStream<JSON>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var restartPolicy: String { pod[path: "spec", "restartPolicy"].string ?? "Always" }
    var podName: String { pod[path: "metadata", "name"].string ?? "" }
    var namespace: String { pod[path: "metadata", "namespace"].string ?? "default" }
    var processIDs: [Int32] { containers.compactMap(\.pid) }
    var containerStates: [ContainerRunState] { containers }

    /// Runs every container until it will not be restarted or the pod is stopped.
    func run() async {
        report()
        await withTaskGroup(of: Void.self) { group in
            for i in specs.indices {
                group.addTask { await self.runContainer(i) }
            }
        }
        report()
        statusSink.finish()
    }

    /// Starts termination: SIGTERM to every container's process group now, SIGKILL to whatever is
    /// left after the grace period. `run()` returns once every process has been reaped.
    func stop(gracePeriodSeconds: Int?) {
        guard !latch.fired else { return }
        latch.fire()
        let grace = gracePeriodSeconds ?? pod[path: "spec", "terminationGracePeriodSeconds"].int ?? 30
        let pids = processIDs
        for i in containers.indices where containers[i].state.isRunning {
            event(i, "Killing", "Stopping container \(containers[i].name)")
        }
        for pid in pids { ProcessSpawner.signalGroup(pid, SIGTERM) }
        guard !pids.isEmpty else { return }
        let sleep = options.sleep
        Task {
            if grace > 0 { try? await sleep(Double(grace)) }
            self.killRemaining(pids)
        }
    }

    private func killRemaining(_ pids: [Int32]) {
        for pid in pids where processIDs.contains(pid) { ProcessSpawner.signalGroup(pid, SIGKILL) }
    }

    private func report() {
        let builder = PodStatusBuilder(restartPolicy: restartPolicy, podIP: podIP, hostIP: options.hostIP,
                                       startTime: startTime, containers: containers)
        lastStatus = builder.build(previous: lastStatus, now: options.now())
        statusSink.yield(lastStatus)
    }

    private func event(_ i: Int, warning: Bool = false, _ reason: String, _ message: String) {
        options.events(.pod(pod, container: containers[i].name, warning: warning, reason, message))
    }

    private func update(_ i: Int, _ change: (inout ContainerRunState) -> Void) {
        let before = containers[i]
        change(&containers[i])
        if containers[i] != before { report() }
    }

    // MARK: containers

    private func runContainer(_ i: Int) async {
        if case .simulated(let readyAfter) = mode { return await simulate(i, readyAfter: readyAfter) }
        var backoff = RestartBackoff(initial: options.backoffInitialSeconds, cap: options.backoffCapSeconds)
        var restarting = false
        while !latch.fired {
            let env: ContainerEnvironment
            do {
                env = try await ContainerEnvironment.build(pod: pod, container: specs[i], podIP: podIP,
                                                           hostIP: options.hostIP, config: config)
            } catch {
                update(i) { $0.state = .waiting(reason: "CreateContainerConfigError", message: error.description) }
                event(i, warning: true, "Failed", "Error: \(error.description)")
                if await latch.sleep(max(1, backoff.next(afterRunning: 0)), using: options.sleep) { return }
                continue
            }
            guard let argv = env.argv(for: specs[i]) else {
                update(i) {
                    $0.state = .waiting(reason: "ImageNotRunnable", message: "container \"\($0.name)\" has no command: "
                        + "the doze local cluster runs a container's command and args as a local process, "
                        + "it cannot run the image \"\($0.image)\"; give the container a command, or start "
                        + "the cluster with the simulated pod runtime")
                }
                event(i, warning: true, "Failed", "Error: ImageNotRunnable: this runtime runs commands, not images")
                await latch.wait()
                return
            }
            // Building the env awaited: the pod may have been stopped meanwhile.
            if latch.fired { return }
            let startedAt = options.now()
            let exit = await runOnce(i, argv: argv, env: env, restarting: restarting)
            let finishedAt = options.now()
            if latch.fired { return }
            let restart = restartPolicy == "Always" || (restartPolicy == "OnFailure" && exit != 0)
            guard restart else { return }
            let delay = backoff.next(afterRunning: finishedAt.timeIntervalSince(startedAt))
            update(i) { c in
                c.lastState = c.state
                if delay > 0 {
                    c.state = .waiting(reason: "CrashLoopBackOff", message: "back-off \(Int(delay))s restarting failed "
                        + "container=\(c.name) pod=\(self.podName)_\(self.namespace)(\(self.pod[path: "metadata", "uid"].string ?? ""))")
                }
            }
            restarting = true
            if delay > 0 {
                event(i, warning: true, "BackOff", "Back-off restarting failed container \(containers[i].name) in pod "
                      + "\(podName)_\(namespace)(\(pod[path: "metadata", "uid"].string ?? ""))")
            }
            if await latch.sleep(delay, using: options.sleep) { return }
        }
    }

    /// One run of one container: spawn, probe, wait for exit. Returns the exit code.
    private func runOnce(_ i: Int, argv: [String], env: ContainerEnvironment, restarting: Bool) async -> Int32 {
        let log = ContainerLog(limit: options.logLimit, now: options.now)
        logs.startRun(i, log)
        let startedAt = options.now()
        let spawned: ProcessSpawner.Spawned
        do {
            spawned = try ProcessSpawner.spawn(argv: argv, env: env.envp, workingDir: specs[i]["workingDir"].string)
        } catch {
            log.append(Array((error.description + "\n").utf8))
            log.close()
            event(i, warning: true, "Failed", "Error: \(error.description)")
            update(i) { c in
                if restarting { c.restartCount += 1 }
                c.state = .terminated(exitCode: 128, signal: nil, reason: "StartError", message: error.description,
                                      startedAt: nil, finishedAt: self.options.now())
            }
            return 128
        }
        let hasStartup = specs[i]["startupProbe"].object != nil
        let hasReadiness = specs[i]["readinessProbe"].object != nil
        update(i) { c in
            if restarting { c.restartCount += 1 }
            c.state = .running(startedAt: startedAt)
            c.pid = spawned.pid
            c.started = !hasStartup
            c.probeReady = !hasReadiness
        }
        event(i, "Created", "Created container \(containers[i].name)")
        event(i, "Started", "Started container \(containers[i].name)")
        Task.detached { await ProcessSpawner.pump(spawned.output, into: log); log.close() }
        let probes = Task { await self.probe(i, pid: spawned.pid, env: env.envp, startedAt: startedAt) }
        let exit = await ProcessSpawner.waitForExit(spawned.pid)
        probes.cancel()
        let reason = exit == .exited(0) ? "Completed" : "Error"
        var signal: Int32? = nil
        if case .signaled(let s) = exit { signal = s }
        update(i) { c in
            c.pid = nil
            c.probeReady = false
            c.state = .terminated(exitCode: exit.exitCode, signal: signal, reason: reason, message: nil,
                                  startedAt: startedAt, finishedAt: self.options.now())
        }
        return exit.exitCode
    }

    private func simulate(_ i: Int, readyAfter: Duration) async {
        let startedAt = options.now()
        update(i) { c in
            c.state = .running(startedAt: startedAt)
            c.started = true
        }
        event(i, "Started", "Started container \(containers[i].name)")
        let seconds = Double(readyAfter.components.seconds) + Double(readyAfter.components.attoseconds) / 1e18
        if await latch.sleep(seconds, using: options.sleep) { return finishSimulated(i, startedAt) }
        update(i) { $0.probeReady = true }
        await latch.wait()
        finishSimulated(i, startedAt)
    }

    private func finishSimulated(_ i: Int, _ startedAt: Date) {
        update(i) { c in
            c.probeReady = false
            c.state = .terminated(exitCode: 0, signal: nil, reason: "Completed", message: nil,
                                  startedAt: startedAt, finishedAt: self.options.now())
        }
    }

    // MARK: probes

    /// Startup probe first; once it passes, readiness and liveness side by side.
    private func probe(_ i: Int, pid: Int32, env: [String], startedAt: Date) async {
        let spec = specs[i]
        if let startup = Probe(spec["startupProbe"], container: spec) {
            let passed = await loop(ProbeTracker(kind: .startup, probe: startup), i: i, pid: pid, env: env, from: startedAt)
            guard passed else { return }
        }
        let from = options.now()
        await withTaskGroup(of: Void.self) { group in
            if let readiness = Probe(spec["readinessProbe"], container: spec) {
                group.addTask { _ = await self.loop(ProbeTracker(kind: .readiness, probe: readiness), i: i, pid: pid, env: env, from: from) }
            }
            if let liveness = Probe(spec["livenessProbe"], container: spec) {
                group.addTask { _ = await self.loop(ProbeTracker(kind: .liveness, probe: liveness), i: i, pid: pid, env: env, from: from) }
            }
        }
    }

    /// Probes on kubelet's schedule until cancelled. A startup probe returns true once it passes;
    /// a failed startup or liveness verdict kills the container (its restart policy then applies).
    private func loop(_ initial: ProbeTracker, i: Int, pid: Int32, env: [String], from: Date) async -> Bool {
        var tracker = initial
        var attempt = 0
        while !Task.isCancelled {
            let due = from.addingTimeInterval(Double(tracker.dueOffset(attempt: attempt)))
            attempt += 1
            let wait = due.timeIntervalSince(options.now())
            if wait > 0, await latch.sleep(wait, using: options.sleep) { return false }
            if Task.isCancelled { return false }
            let outcome = await ProbeExecutor.run(tracker.probe.action, podIP: podIP,
                                                  timeoutSeconds: tracker.probe.timeoutSeconds, env: env)
            if case .failure(let message) = outcome, !Task.isCancelled {
                event(i, warning: true, "Unhealthy", "\(tracker.kind.rawValue.capitalized) probe failed: \(message)")
            }
            guard tracker.record(outcome), !Task.isCancelled else { continue }
            switch tracker.kind {
            case .readiness:
                update(i) { $0.probeReady = tracker.passing }
            case .startup:
                if tracker.passing { update(i) { $0.started = true }; return true }
                event(i, "Killing", "Container \(containers[i].name) failed startup probe, will be restarted")
                kill(i, pid)
                return false
            case .liveness:
                if !tracker.passing {
                    event(i, "Killing", "Container \(containers[i].name) failed liveness probe, will be restarted")
                    kill(i, pid)
                    return false
                }
            }
        }
        return false
    }

    /// kubelet kills a container that failed its liveness or startup probe with the pod's grace period.
    private func kill(_ i: Int, _ pid: Int32) {
        ProcessSpawner.signalGroup(pid, SIGTERM)
        let grace = pod[path: "spec", "terminationGracePeriodSeconds"].int ?? 30
        let sleep = options.sleep
        Task {
            try? await sleep(Double(grace))
            self.killRemaining([pid])
        }
    }
}
