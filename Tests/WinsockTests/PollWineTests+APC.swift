import Testing
import Winsock

/// test_WSAPoll's check that WSAPoll is not an alertable wait: an APC queued to the thread (here, the
/// completion routine of an overlapped send, the only APC this library queues) is neither run by
/// WSAPoll nor ends its wait; the thread's next alertable wait runs it.
extension PollWineTests {
    @Test("a routine queued before WSAPoll is not run by it and does not end its wait (test_WSAPoll)")
    func queuedRoutineWaitsOutPoll() throws {
        let pair = try OverlappedPair()
        let outcome = try Worker { () -> (poll: Int32, waited: UInt64, during: Int, sleep: DWORD, after: Int) in
            let slots = SendSlots(1)
            let payload = Payload(count: 100)
            let log = RoutineLog()
            slots[0].pointee.hEvent = log.context
            var buffer = payload.wsabuf
            _ = WSASend(pair.client.handle, &buffer, 1, nil, 0, slots[0], loggingRoutine)
            // The send has completed, so its routine waits in this thread's queue before WSAPoll begins.
            _ = waitCompleted(slots[0])
            var entry = WSAPOLLFD(fd: pair.client.handle, events: POLLRDNORM)
            let start = MonotonicClock.now()
            let poll = WSAPoll(&entry, 1, 100)
            let waited = MonotonicClock.now() - start
            let during = log.calls.count
            return (poll, waited, during, SleepEx(0, TRUE), log.calls.count)
        }.join()
        #expect(outcome.poll == 0, "nothing to read: the poll times out")
        // A lower bound only: a wait ended by the queued routine would return at once.
        #expect(outcome.waited >= 90_000_000, "the poll returned after \(outcome.waited) ns of its 100 ms")
        #expect(outcome.during == 0, "WSAPoll ran the routine")
        #expect(outcome.sleep == WAIT_IO_COMPLETION && outcome.after == 1, "\(outcome)")
        _ = try readAll(pair.server, count: 100)
    }

    @Test(
        "a routine queued while the thread waits in WSAPoll is not run by it and does not end its wait (test_WSAPoll)")
    func routineQueuedDuringPoll() throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let drained = Worker { () throws -> UInt64 in
            pause(microseconds: 100_000)
            try drain(pair.server, count: filled + 10_000)
            return MonotonicClock.now()
        }
        let outcome = try Worker {
            () -> (pending: Bool, poll: Int32, ended: UInt64, waited: UInt64, during: Int, sleep: DWORD, after: Int) in
            let slots = SendSlots(1)
            let payload = Payload(count: 10_000)
            let log = RoutineLog()
            slots[0].pointee.hEvent = log.context
            var buffer = payload.wsabuf
            let status = WSASend(pair.client.handle, &buffer, 1, nil, 0, slots[0], loggingRoutine)
            let pending = status == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING
            var entry = WSAPOLLFD(fd: pair.client.handle, events: POLLRDNORM)
            let start = MonotonicClock.now()
            // Long enough that the drainer, starting after 100 ms, completes the send during the wait even
            // on a loaded machine; the poll itself has nothing to read and must time out.
            let poll = WSAPoll(&entry, 1, 3000)
            let ended = MonotonicClock.now()
            let during = log.calls.count
            _ = waitCompleted(slots[0])
            return (pending, poll, ended, ended - start, during, SleepEx(0, TRUE), log.calls.count)
        }.join()
        let drainedAt = try drained.join()
        #expect(outcome.pending, "the send completed at once: nothing was left to queue during the poll")
        #expect(drainedAt < outcome.ended, "the send completed only after the poll: nothing was queued during it")
        #expect(outcome.poll == 0, "nothing to read: the poll times out")
        #expect(outcome.waited >= 2_900_000_000, "the poll returned after \(outcome.waited) ns of its 3 s")
        #expect(outcome.during == 0, "WSAPoll ran the routine")
        #expect(outcome.sleep == WAIT_IO_COMPLETION && outcome.after == 1, "\(outcome)")
    }
}
