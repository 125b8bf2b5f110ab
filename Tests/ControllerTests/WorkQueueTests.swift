import Synchronization
import Testing
@testable import Controller

/// Yields until `condition` holds; bounded so a broken queue fails instead of hanging.
func eventually(_ what: Comment, _ condition: () async -> Bool) async {
    for _ in 0..<100_000 {
        if await condition() { return }
        await Task.yield()
    }
    Issue.record("timed out waiting: \(what)")
}

@Suite struct WorkQueueTests {
    @Test func dedupsKeysNotYetTaken() async {
        let q = WorkQueue<String>()
        await q.add("a"); await q.add("b"); await q.add("a")
        #expect(await q.depth == 2)
        #expect(await q.next() == "a")
        #expect(await q.next() == "b")
        #expect(await q.depth == 0)
    }

    @Test func keyInFlightIsRequeuedOnlyAfterDone() async {
        let q = WorkQueue<String>()
        await q.add("a")
        let a = await q.next()
        await q.add("a")  // changed while a worker holds it
        await q.add("b")
        #expect(await q.depth == 1)
        #expect(await q.next() == "b")
        await q.done(a!)
        #expect(await q.depth == 1)
        #expect(await q.next() == "a")
    }

    @Test func waitingWorkerGetsNewKey() async {
        let q = WorkQueue<String>()
        async let got = q.next()
        await eventually("worker waiting") { await q.depth == 0 }
        await q.add("x")
        #expect(await got == "x")
        #expect(await q.inFlight == 1)
    }

    @Test func backoffGrowsPerKeyAndForgetResets() async {
        let b = WorkQueue<String>.Backoff(base: .milliseconds(5), cap: .seconds(1))
        #expect(b.delay(failures: 1) == .milliseconds(5))
        #expect(b.delay(failures: 3) == .milliseconds(20))
        #expect(b.delay(failures: 30) == .seconds(1))

        let clock = ManualClock()
        let q = WorkQueue<String>(clock: .manual(clock), backoff: b)
        await q.addRateLimited("a")
        await q.addRateLimited("a")
        #expect(await q.failureCount("a") == 2)
        await eventually("timer armed") { clock.sleeperCount >= 1 }
        clock.advance(by: .milliseconds(6))
        await eventually("first retry due") { await q.depth == 1 }
        await q.forget("a")
        #expect(await q.failureCount("a") == 0)
    }

    @Test func delayedAddsCoalesceToEarliest() async {
        let clock = ManualClock()
        let q = WorkQueue<String>(clock: .manual(clock))
        await q.addAfter("a", .seconds(10))
        await q.addAfter("a", .seconds(5))
        await q.addAfter("a", .seconds(7))
        await eventually("timers armed") { clock.sleeperCount == 2 }
        clock.advance(by: .seconds(5))
        await eventually("due") { await q.depth == 1 }
        clock.advance(by: .seconds(10))
        for _ in 0..<1000 { await Task.yield() }
        #expect(await q.depth == 1)  // the 10 s timer was superseded
    }

    @Test func shutDownReleasesWaiters() async {
        let q = WorkQueue<String>()
        async let got = q.next()
        await eventually("waiting") { await q.inFlight == 0 }
        await q.shutDown()
        #expect(await got == nil)
        await q.add("late")
        #expect(await q.next() == nil)
    }

    @Test func workersNeverShareAKey() async {
        let q = WorkQueue<Int>()
        let active = Mutex<[Int: Int]>([:])
        let maxSeen = Mutex(0)
        let processed = Atomic(0)
        for round in 0..<20 { for k in 0..<10 { await q.add(k + (round % 2) * 0) } }
        let workers = Task {
            await q.runWorkers(4) { key in
                let n = active.withLock { a in a[key, default: 0] += 1; return a[key]! }
                maxSeen.withLock { $0 = max($0, n) }
                await Task.yield()
                if processed.add(1, ordering: .relaxed).newValue < 50 { await q.add(key) }
                active.withLock { $0[key]! -= 1 }
                return .done
            }
        }
        await eventually("drained") {
            let (d, f) = (await q.depth, await q.inFlight)
            return d == 0 && f == 0 && processed.load(ordering: .relaxed) >= 50
        }
        await q.shutDown()
        await workers.value
        #expect(maxSeen.withLock { $0 } == 1)
    }

    @Test func failedReconcileRetriesWithBackoff() async {
        let clock = ManualClock()
        let q = WorkQueue<String>(clock: .manual(clock))
        let attempts = Atomic(0)
        await q.add("k")
        let workers = Task {
            await q.runWorkers(1) { _ in
                if attempts.add(1, ordering: .relaxed).newValue < 3 { throw CancellationError() }
                return .done
            }
        }
        await eventually("first failure") { attempts.load(ordering: .relaxed) == 1 && clock.sleeperCount == 1 }
        clock.advance(by: .milliseconds(5))
        await eventually("second failure") { attempts.load(ordering: .relaxed) == 2 && clock.sleeperCount == 1 }
        clock.advance(by: .milliseconds(10))
        await eventually("success") { attempts.load(ordering: .relaxed) == 3 }
        await eventually("forgotten") { await q.failureCount("k") == 0 }
        await q.shutDown()
        await workers.value
    }
}
