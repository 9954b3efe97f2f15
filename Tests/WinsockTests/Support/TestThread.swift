import Glibc
import Synchronization

/// A plain pthread running `body`, joined for its result. Peers and concurrent senders run on their own
/// threads, never on Swift's cooperative pool, so a blocking call cannot starve the test runner.
final class TestThread<Result: Sendable>: @unchecked Sendable {
    private let state: State
    private var thread = pthread_t()
    private var joined = false

    fileprivate final class State: @unchecked Sendable {
        let body: @Sendable () -> Result
        var result: Result?
        let done = Atomic<Bool>(false)
        init(_ body: @escaping @Sendable () -> Result) { self.body = body }
        func run() {
            result = body()
            done.store(true, ordering: .releasing)
        }
    }

    init(_ body: @escaping @Sendable () -> Result) {
        state = State(body)
        let raw = Unmanaged.passRetained(state).toOpaque()
        let status = pthread_create(&thread, nil, testThreadMain, raw)
        precondition(status == 0, "pthread_create failed: \(status)")
    }

    /// True once `body` has returned.
    var isFinished: Bool { state.done.load(ordering: .acquiring) }

    /// Waits at most `milliseconds` for the thread; nil when it is still running (it is then left
    /// running, and the caller records the hang as a failure instead of hanging the suite).
    func join(waitingAtMost milliseconds: Int) -> Result? {
        let deadline = TestClock.now() + Double(milliseconds) / 1000
        while !isFinished {
            if TestClock.now() > deadline { return nil }
            TestClock.sleep(milliseconds: 2)
        }
        return join()
    }

    /// Waits for the thread and returns what `body` returned (pthread_join orders the result's write).
    func join() -> Result {
        if !joined {
            pthread_join(thread, nil)
            joined = true
        }
        return state.result!
    }
}

private protocol Runnable: AnyObject { func run() }
extension TestThread.State: Runnable {}

private func testThreadMain(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let object = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue()
    (object as! any Runnable).run()
    return nil
}
