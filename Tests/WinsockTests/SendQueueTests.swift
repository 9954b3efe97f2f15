import Testing

@testable import Winsock

/// The send queue's transitions as pure ordering state: each one says who transmits next and what has
/// to happen (wake a caller, tell the engine about parked sends, hand the engine the transmitter), with
/// no engine thread and no socket.
@Suite("SendQueue transitions without the engine")
struct SendQueueTests {
    let context = ThreadContext.current

    func operation() -> OperationRef { context.operationPool.take() }

    @Test("an idle queue admits a caller at once, and its release leaves nothing to do")
    func idleAdmission() {
        let queue = SendQueue()
        let (admission, handoff) = queue.admitCaller(blocking: true, context: context)
        guard case .granted = admission else {
            Issue.record("expected the transmitter, got \(admission)")
            return
        }
        #expect(handoff == .none)
        #expect(queue.transmitter == .caller)
        #expect(queue.releaseCaller() == .none)
        #expect(queue.transmitter == .idle)
        #expect(!queue.isBusy)
    }

    @Test("a busy queue refuses a non-blocking caller and queues a blocking one, who is woken on release")
    func blockingCallerWaitsItsTurn() {
        let queue = SendQueue()
        _ = queue.admitCaller(blocking: true, context: context)
        let (refused, _) = queue.admitCaller(blocking: false, context: context)
        guard case .busy = refused else {
            Issue.record("a non-blocking caller should be refused, got \(refused)")
            return
        }
        let (admission, handoff) = queue.admitCaller(blocking: true, context: context)
        guard case .queued(let ticket) = admission else {
            Issue.record("a blocking caller should be queued, got \(admission)")
            return
        }
        #expect(handoff == .none)
        #expect(queue.waitingCount == 1)
        let grantedEarly = ticket.granted.load(ordering: .acquiring)
        #expect(!grantedEarly)
        #expect(queue.releaseCaller() == .wake(context), "the release hands the transmitter to the waiting caller")
        let granted = ticket.granted.load(ordering: .acquiring)
        #expect(granted)
        #expect(queue.transmitter == .caller)
        #expect(queue.waitingCount == 0)
        #expect(queue.releaseCaller() == .none)
    }

    @Test("an overlapped send on an idle socket is parked; a caller flushes it first, then goes on")
    func parkedSendsGoFirst() {
        let queue = SendQueue()
        let parked = operation()
        #expect(queue.appendOverlapped(parked) == .parked)
        #expect(queue.transmitter == .parked)
        let (admission, _) = queue.admitCaller(blocking: true, context: context)
        guard case .parkedAhead = admission else {
            Issue.record("a caller behind parked sends should flush them first, got \(admission)")
            return
        }
        #expect(queue.claimParked(as: .caller))
        #expect(!queue.claimParked(as: .engine), "only one thread claims parked sends")
        let taken = RingBuffer<OperationRef>(capacity: 4)
        #expect(queue.takeOverlapped(into: taken, holder: .caller) == .none)
        #expect(taken.count == 1 && taken.first == parked)
        #expect(queue.releaseCaller() == .none)
        let (after, _) = queue.admitCallerBehindQueue(blocking: true, context: context)
        guard case .granted = after else {
            Issue.record("after the flush the caller gets the transmitter, got \(after)")
            return
        }
    }

    @Test("an overlapped send behind a caller is queued; the caller's release parks it")
    func releaseParksQueuedSends() {
        let queue = SendQueue()
        _ = queue.admitCaller(blocking: true, context: context)
        #expect(queue.appendOverlapped(operation()) == .queued)
        #expect(queue.releaseCaller() == .parked, "the engine is told, for its grace period")
        #expect(queue.transmitter == .parked)
    }

    @Test("an unfinished inline attempt goes first in line and hands the engine the transmitter")
    func unfinishedInlineGoesToEngine() {
        let queue = SendQueue()
        _ = queue.admitCaller(blocking: false, context: context)
        let later = operation()
        #expect(queue.appendOverlapped(later) == .queued)
        let unfinished = operation()
        #expect(queue.releaseCaller(leaving: unfinished) == .engine)
        #expect(queue.transmitter == .engine)
        let taken = RingBuffer<OperationRef>(capacity: 4)
        #expect(queue.takeOverlapped(into: taken) == .none)
        #expect(taken.count == 2 && taken[0] == unfinished && taken[1] == later, "call order is kept")
        _ = taken.removeAll { _ in true }
        #expect(queue.takeOverlapped(into: taken) == .none, "with nothing left the engine gives the transmitter back")
        #expect(queue.transmitter == .idle)
    }

    @Test("an engine with nothing left hands the transmitter to a waiting caller")
    func engineHandsToCaller() {
        let queue = SendQueue()
        _ = queue.admitCaller(blocking: false, context: context)
        #expect(queue.releaseCaller(leaving: operation()) == .engine)
        let (admission, _) = queue.admitCaller(blocking: true, context: context)
        guard case .queued(let ticket) = admission else {
            Issue.record("the caller should wait behind the engine, got \(admission)")
            return
        }
        let taken = RingBuffer<OperationRef>(capacity: 4)
        #expect(queue.takeOverlapped(into: taken) == .none, "the engine takes the operation ahead of the caller")
        #expect(taken.count == 1)
        _ = taken.removeAll { _ in true }
        #expect(queue.takeOverlapped(into: taken) == .wake(context))
        let granted = ticket.granted.load(ordering: .acquiring)
        #expect(granted)
        #expect(queue.transmitter == .caller)
    }

    @Test("a flushing thread that fills the send buffer gives the rest to the engine, ahead of later sends")
    func flushGivesRestToEngine() {
        let queue = SendQueue()
        let first = operation()
        let second = operation()
        #expect(queue.appendOverlapped(first) == .parked)
        #expect(queue.claimParked(as: .caller))
        let batch = RingBuffer<OperationRef>(capacity: 4)
        _ = queue.takeOverlapped(into: batch, holder: .caller)
        #expect(queue.appendOverlapped(second) == .queued)
        #expect(queue.giveToEngine(batch) == .engine)
        let taken = RingBuffer<OperationRef>(capacity: 4)
        _ = queue.takeOverlapped(into: taken)
        #expect(taken.count == 2 && taken[0] == first && taken[1] == second)
    }

    @Test("closing returns the queued callers to wake and refuses new ones")
    func closeWakesQueuedCallers() {
        let queue = SendQueue()
        _ = queue.admitCaller(blocking: true, context: context)
        let (admission, _) = queue.admitCaller(blocking: true, context: context)
        guard case .queued(let ticket) = admission else {
            Issue.record("expected a queued caller, got \(admission)")
            return
        }
        let woken = queue.socketClosed()
        #expect(woken.count == 1 && woken[0] === ticket)
        #expect(queue.appendOverlapped(operation()) == .closed)
        #expect(queue.withdraw(ticket) == .none)
        #expect(queue.waitingCount == 0)
        _ = queue.releaseCaller()
        let (late, _) = queue.admitCallerBehindQueue(blocking: true, context: context)
        guard case .closed = late else {
            Issue.record("a closed queue refuses callers, got \(late)")
            return
        }
    }

    @Test("cancelling a parked socket's sends makes it idle again")
    func cancellingParkedSends() {
        let queue = SendQueue()
        #expect(queue.appendOverlapped(operation()) == .parked)
        let (removed, handoff) = queue.removeOverlapped(where: { _ in true })
        #expect(removed.count == 1)
        #expect(handoff == .none)
        #expect(queue.transmitter == .idle)
        #expect(!queue.isBusy)
    }

    @Test("a socket whose sends never wait makes no queue: taking the transmitter, the engine's look and closing")
    func uncontendedSocketMakesNoQueue() {
        let queue = SendQueue()
        _ = queue.admitCaller(blocking: true, context: context)
        #expect(queue.releaseCaller() == .none)
        let batch = RingBuffer<OperationRef>(capacity: 1)
        #expect(queue.takeOverlapped(into: batch) == .none)
        #expect(queue.removeOverlapped(where: { _ in true }).removed.isEmpty)
        #expect(!queue.hasBlockedCallers)
        #expect(queue.waitingCount == 0)
        #expect(queue.socketClosed().isEmpty)
        #expect(!queue.hasQueue)
    }

    @Test("a socket closed before it ever queued refuses callers and overlapped sends that come later")
    func closedBeforeQueueing() {
        let queue = SendQueue()
        #expect(queue.socketClosed().isEmpty)
        let (admission, _) = queue.admitCaller(blocking: true, context: context)
        guard case .closed = admission else {
            Issue.record("a closed socket refuses callers, got \(admission)")
            return
        }
        #expect(queue.appendOverlapped(operation()) == .closed)
    }

    @Test("the first caller that has to wait makes the queue")
    func waitingCallerMakesTheQueue() {
        let queue = SendQueue()
        _ = queue.admitCaller(blocking: true, context: context)
        #expect(!queue.hasQueue)
        guard case (.queued, _) = queue.admitCaller(blocking: true, context: context) else {
            Issue.record("a blocking caller behind another should be queued")
            return
        }
        #expect(queue.hasQueue)
        #expect(queue.releaseCaller() == .wake(context))
        #expect(queue.releaseCaller() == .none)
    }
}
