import Testing
@testable import LocalCluster

@Suite struct KeyQueueTests {
    @Test func keysAreDeduplicatedAndHandedOutInOrder() async {
        let q = KeyQueue()
        await q.add("a")
        await q.add("b")
        await q.add("a")
        #expect(await q.next() == "a")
        await q.add("a")
        #expect(await q.next() == "b")
        #expect(await q.next() == "a")
        await q.close()
        #expect(await q.next() == nil)
    }

    @Test func aSoonerDelayedAddReplacesALaterOne() async {
        let q = KeyQueue()
        // The late timer never fires on its own: its sleep waits far longer than the test runs.
        await q.add("k", after: 3600, sleep: { try await Task.sleep(for: .seconds($0)) })
        await q.add("k", after: 0.01, sleep: { try await Task.sleep(for: .seconds($0)) })
        #expect(await q.next() == "k")
        await q.close()
    }

    @Test func closeWakesAWaitingConsumer() async {
        let q = KeyQueue()
        async let waiting = q.next()
        await q.close()
        #expect(await waiting == nil)
    }
}
