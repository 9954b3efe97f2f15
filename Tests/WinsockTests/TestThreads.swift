import Glibc

// Thread helpers for the tests, in a file of their own: a file that imports both Glibc and Winsock sees
// two `socket`s, `AF_INET`s and so on.

/// Runs `body` on a new thread and returns a way to wait for its result.
final class Worker<Value: Sendable>: @unchecked Sendable {
    private var outcome: Result<Value, any Error>?
    private var thread = pthread_t()
    private let body: @Sendable () throws -> Value

    init(_ body: @escaping @Sendable () throws -> Value) {
        self.body = body
        start()
    }

    private func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, workerMain, box)
    }

    fileprivate func run() {
        outcome = Result { try body() }
    }

    func join() throws -> Value {
        pthread_join(thread, nil)
        return try outcome!.get()
    }
}

private protocol Runnable: AnyObject { func run() }
extension Worker: Runnable {}

private func workerMain(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let worker = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue()
    (worker as! any Runnable).run()
    return nil
}

/// The calling thread's identity.
func currentThreadID() -> UInt { UInt(pthread_self()) }

/// Sleeps without holding anything.
func pause(microseconds: UInt32) { usleep(microseconds) }
