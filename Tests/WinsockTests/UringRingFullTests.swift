import Glibc
import Testing

@testable import Winsock

/// The io_uring backend with rings far smaller than the sockets it serves: a burst of requests larger than
/// the submission queue, and more completions than the completion queue holds, still come back, each once.
/// The engine's ring is small to keep its memory down (`UringBackend`), so this is its everyday case with
/// thousands of connections; here 64 sockets meet a ring of 4 submission and 8 completion entries.
@Suite("io_uring with full rings", .enabled(if: UringAvailability.available, "io_uring cannot be set up here"))
struct UringRingFullTests {
    static let sockets = 64

    /// A small ring and its wake-up eventfd, torn down by `body`'s end.
    func withSmallRing(_ body: (inout UringBackend) -> Void) {
        let wake = system_eventfd()
        defer { _ = Glibc.close(wake) }
        guard case .success(var backend) = UringBackend.make(wakeFD: wake, submissions: 4, completions: 8) else {
            Issue.record("io_uring was available a moment ago")
            return
        }
        body(&backend)
        backend.tearDown()
    }

    /// An engine socket over `fd`, which its record closes.
    static func engineSocket(fd: Int32, handle: Int, stream: Bool) -> EngineSocket {
        EngineSocket(
            record: SocketRecord(
                handle: SOCKET(handle), fd: fd, family: Winsock.AF_INET,
                type: stream ? Winsock.SOCK_STREAM : Winsock.SOCK_DGRAM, proto: 0,
                overlapped: true))
    }

    /// Waits (in 10 ms slices, at most 10 s) until `count` events came back, then 50 ms more for any
    /// extra one; the sockets they name.
    static func collect(_ count: Int, from backend: inout UringBackend) -> [ObjectIdentifier] {
        var events: [EngineEvent] = []
        let deadline = MonotonicClock.now() &+ 10_000_000_000
        while events.count < count && MonotonicClock.now() < deadline {
            backend.wait(into: &events, timeout: 10_000_000)
        }
        backend.wait(into: &events, timeout: 50_000_000)
        return events.map { event in
            switch event {
            case .writable(let socket): ObjectIdentifier(socket)
            case .sent(let socket, _): ObjectIdentifier(socket)
            }
        }
    }

    /// Reads whatever the receiver holds, without waiting.
    static func drain(_ receiver: RawSocket, into buffer: inout [UInt8]) {
        var read = 1
        while read > 0 {
            read = buffer.withUnsafeMutableBytes {
                recv(receiver.fd, $0.baseAddress, $0.count, Int32(Glibc.MSG_DONTWAIT))
            }
        }
    }

    @Test("a burst of more requests than the submission queue holds is taken off the rings as it goes, none lost")
    func burstLargerThanTheRing() {
        withSmallRing { backend in
            // Unconnected UDP sockets are writable at once: each wait completes as soon as it is submitted.
            let sockets = (0..<Self.sockets).map { index in
                Self.engineSocket(
                    fd: Glibc.socket(Glibc.AF_INET, Int32(Glibc.SOCK_DGRAM.rawValue), 0), handle: 1000 + index,
                    stream: false)
            }
            for socket in sockets { backend.startWaitWritable(socket) }
            // The requests went to the kernel four at a time, and their completions were taken each time:
            // the completion queue of 8 never had to overflow into the kernel's keeping.
            #expect(!backend.completionsOverflowed)
            let answered = Self.collect(Self.sockets, from: &backend)
            #expect(answered.count == Self.sockets, "each socket's wait completes once")
            #expect(Set(answered) == Set(sockets.map(ObjectIdentifier.init)))
        }
    }

    @Test("completions that arrive together, more than the completion queue holds, all come back")
    func completionQueueOverflow() {
        let listener = RawSocket(family: Glibc.AF_INET, datagram: false)
        let port = listener.bindLoopback()
        listener.listen(backlog: Int32(Self.sockets))
        var senders: [RawSocket] = []
        var receivers: [RawSocket] = []
        for _ in 0..<Self.sockets {
            let sender = RawSocket(family: Glibc.AF_INET, datagram: false)
            sender.setIntOption(level: Glibc.SOL_SOCKET, name: Glibc.SO_SNDBUF, 4096)
            #expect(sender.connect(loopbackPort: port) == 0)
            guard let receiver = listener.accept() else {
                Issue.record("no connection accepted")
                return
            }
            senders.append(sender)
            receivers.append(receiver)
        }
        // Fill every sender until Linux takes no more, so that a wait for room stays pending.
        let chunk = [UInt8](repeating: 7, count: 65536)
        for sender in senders {
            while sender.send(chunk, flags: Int32(Glibc.MSG_DONTWAIT | Glibc.MSG_NOSIGNAL)) > 0 {}
        }
        withSmallRing { backend in
            let sockets = senders.enumerated().map { index, sender in
                Self.engineSocket(fd: dup(sender.fd), handle: 2000 + index, stream: true)
            }
            for socket in sockets { backend.startWaitWritable(socket) }
            var early: [EngineEvent] = []
            backend.wait(into: &early, timeout: 0)
            #expect(early.isEmpty, "no sender has room yet")
            // The receivers read everything: every sender finds room at about the same time, and the
            // kernel has 64 completions for a queue of 8.
            let deadline = MonotonicClock.now() &+ 10_000_000_000
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !backend.completionsOverflowed && MonotonicClock.now() < deadline {
                for receiver in receivers { Self.drain(receiver, into: &buffer) }
                usleep(1000)
            }
            #expect(backend.completionsOverflowed, "the completion queue filled and the kernel kept the rest")
            let answered = Self.collect(Self.sockets, from: &backend)
            #expect(answered.count == Self.sockets, "each socket's wait completes once")
            #expect(Set(answered) == Set(sockets.map(ObjectIdentifier.init)))
        }
    }
}

/// Whether this machine (its kernel, a container's seccomp profile) lets a ring be set up.
enum UringAvailability {
    static let available: Bool = {
        let wake = system_eventfd()
        defer { _ = Glibc.close(wake) }
        guard case .success(var backend) = UringBackend.make(wakeFD: wake, submissions: 4, completions: 8) else {
            return false
        }
        backend.tearDown()
        return true
    }()
}
