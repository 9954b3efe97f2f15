import Glibc
import Testing

@testable import Winsock

/// A kernel that answers each sendmsg from a script and records every window it was offered.
private struct ScriptedTransport: StreamTransport {
    enum Answer {
        /// Takes at most this many bytes of the window.
        case take(Int)
        case takeAll
        case wouldBlock
        case fail(Int32)
    }

    struct Call: Equatable {
        /// (offset into the data, length) of each iovec offered.
        var spans: [[Int]]
        var mayBlock: Bool
        /// The window carried the call's last byte (the only sendmsg that may carry MSG_OOB).
        var endsCall: Bool
        var bytes: Int { spans.reduce(0) { $0 + $1[1] } }
    }

    var answers: [Answer]
    var waits: [WritableWait]
    let base: UnsafeMutableRawPointer
    var calls: [Call] = []
    var waitCount = 0
    var output: [UInt8] = []
    /// The code asked for more than the script holds.
    var overran = false

    mutating func send(_ iov: UnsafeMutablePointer<iovec>, count: Int, mayBlock: Bool, endsCall: Bool) -> SendAttempt {
        let spans = (0..<count).map { [iov[$0].iov_base! - base, iov[$0].iov_len] }
        calls.append(Call(spans: spans, mayBlock: mayBlock, endsCall: endsCall))
        guard !answers.isEmpty else {
            overran = true
            return .failed(errno: EIO)
        }
        let offered = spans.reduce(0) { $0 + $1[1] }
        var take: Int
        switch answers.removeFirst() {
        case .take(let limit): take = min(limit, offered)
        case .takeAll: take = offered
        case .wouldBlock: return .wouldBlock
        case .fail(let code): return .failed(errno: code)
        }
        let taken = take
        for index in 0..<count where take > 0 {
            let length = min(take, iov[index].iov_len)
            output.append(contentsOf: UnsafeRawBufferPointer(start: iov[index].iov_base, count: length))
            take -= length
        }
        return .sent(taken)
    }

    mutating func waitWritable(until deadline: Deadline?) -> WritableWait {
        waitCount += 1
        guard !waits.isEmpty else {
            overran = true
            return .timedOut
        }
        return waits.removeFirst()
    }
}

private let farFuture = Deadline(nanoseconds: UInt64.max)
private let passed = Deadline(nanoseconds: 0)

/// Runs `sendStream` over `array` against a script.
private func run(
    _ array: BufferArray, blocking: Bool, firstMayBlock: Bool = true, deadline: Deadline? = nil,
    answers: [ScriptedTransport.Answer], waits: [WritableWait] = [], limit: Int = 1024
) -> (outcome: StreamSendOutcome, transport: ScriptedTransport) {
    var transport = ScriptedTransport(answers: answers, waits: waits, base: UnsafeMutableRawPointer(array.bytes))
    var cursor = SendCursor(buffers: array.buffers, count: array.count)
    let iov = UnsafeMutablePointer<iovec>.allocate(capacity: limit)
    defer { iov.deallocate() }
    let outcome = sendStream(
        &cursor, iov: iov, limit: limit, blocking: blocking, firstMayBlock: firstMayBlock, deadline: deadline,
        transport: &transport)
    #expect(!transport.overran, "the send asked the kernel more often than the script allows")
    return (outcome, transport)
}

/// The stream send loop (`sendStream`) against scripted kernel answers, no socket: what a blocking and a
/// non-blocking WSASend do with partial answers, would-block, timeouts and more than IOV_MAX buffers.
@Suite("sendStream against a scripted kernel")
struct StreamSendScriptTests {
    static let data = Pattern.bytes(count: 10_000)
    static let sizes = [1000, 0, 3000, 6000]

    @Test("blocking: a kernel that takes everything at once gives one sendmsg of the whole array")
    func blockingOneCall() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, transport) = run(array, blocking: true, answers: [.takeAll])
        #expect(outcome == .complete(sent: 10_000))
        #expect(transport.calls.count == 1)
        #expect(transport.calls[0].spans == [[0, 1000], [1000, 3000], [4000, 6000]])
        #expect(transport.calls[0].mayBlock, "the one sendmsg may block in the kernel, as a plain blocking send")
        #expect(transport.output == Self.data)
    }

    @Test("blocking, alertable thread: not even the first sendmsg blocks in the kernel")
    func alertableFirstCall() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, transport) = run(array, blocking: true, firstMayBlock: false, answers: [.takeAll])
        #expect(outcome == .complete(sent: 10_000))
        #expect(transport.calls.map(\.mayBlock) == [false])
    }

    // "Given the same buffer situation and a blocking socket, WSASend will block until all of the
    // application buffer contents have been consumed."
    @Test("blocking: partial answers continue from the exact byte, waiting for room in between")
    func blockingContinuesAfterPartial() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, transport) = run(
            array, blocking: true, answers: [.take(1500), .wouldBlock, .take(10), .takeAll],
            waits: [.writable])
        #expect(outcome == .complete(sent: 10_000))
        #expect(transport.calls.map(\.mayBlock) == [true, false, false, false])
        #expect(transport.calls[1].spans.first == [1500, 2500])
        #expect(transport.calls[3].spans.first == [1510, 2490])
        #expect(transport.waitCount == 1)
        #expect(transport.output == Self.data)
    }

    @Test("blocking: a partial answer after the deadline (SO_SNDTIMEO) ends the call with WSAETIMEDOUT")
    func blockingPartialAfterDeadline() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, transport) = run(array, blocking: true, deadline: passed, answers: [.take(700)])
        #expect(outcome == .timedOut(sent: 700))
        #expect(transport.calls.count == 1)
    }

    @Test("blocking: EAGAIN from a sendmsg that could block means the kernel's SO_SNDTIMEO ran out")
    func blockingKernelTimeout() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, transport) = run(array, blocking: true, deadline: farFuture, answers: [.wouldBlock])
        #expect(outcome == .timedOut(sent: 0))
        #expect(transport.waitCount == 0)
    }

    @Test("blocking: a wait for room that reaches the deadline ends the call with the bytes sent so far")
    func blockingWaitTimesOut() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, _) = run(
            array, blocking: true, deadline: farFuture, answers: [.take(42), .wouldBlock], waits: [.timedOut])
        #expect(outcome == .timedOut(sent: 42))
    }

    // The library's rule: SO_SNDTIMEO expiry gives WSAETIMEDOUT, "the timeout bounding the whole call". The
    // kernel's SO_SNDTIMEO restarts at every sendmsg, so only the first may block in the kernel.
    @Test("blocking with SO_SNDTIMEO: after the first sendmsg, none may block in the kernel")
    func deadlineBoundsLaterSlices() {
        let sizes = [Int](repeating: 4, count: 2500)
        let array = BufferArray(Pattern.bytes(count: 10_000), sizes: sizes)
        let (outcome, transport) = run(
            array, blocking: true, deadline: farFuture, answers: [.takeAll, .takeAll, .takeAll])
        #expect(outcome == .complete(sent: 10_000))
        #expect(transport.calls.map(\.mayBlock) == [true, false, false])
    }

    @Test("blocking: a failure after a partial answer reports the errno and the bytes taken")
    func blockingFailureAfterPartial() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, _) = run(array, blocking: true, answers: [.take(300), .fail(ECONNRESET)], waits: [])
        #expect(outcome == .failed(errno: ECONNRESET, sent: 300))
    }

    // "If the socket is non-blocking and stream-oriented, and there is not sufficient space in the
    // transport's buffer, WSASend will return with only part of the application's buffers having been consumed."
    @Test("non-blocking: a partial answer returns at once with the bytes consumed")
    func nonBlockingPartial() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, transport) = run(array, blocking: false, answers: [.take(2345)])
        #expect(outcome == .partial(sent: 2345))
        #expect(transport.calls.map(\.mayBlock) == [false])
        #expect(transport.waitCount == 0)
    }

    @Test("non-blocking: no room at all is would-block (WSAEWOULDBLOCK)")
    func nonBlockingNothing() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (outcome, transport) = run(array, blocking: false, answers: [.wouldBlock])
        #expect(outcome == .wouldBlock)
        #expect(transport.calls.count == 1)
    }

    @Test("non-blocking, more than IOV_MAX buffers: slices go out until the kernel takes less than offered")
    func nonBlockingSlices() {
        let sizes = [Int](repeating: 4, count: 2500)
        let array = BufferArray(Pattern.bytes(count: 10_000), sizes: sizes)
        let partial = run(array, blocking: false, answers: [.takeAll, .take(100)])
        #expect(partial.outcome == .partial(sent: 4096 + 100))
        let blocked = run(array, blocking: false, answers: [.takeAll, .wouldBlock])
        #expect(blocked.outcome == .partial(sent: 4096))
    }

    @Test("more than IOV_MAX (1024) buffers go out in IOV_MAX slices, in order, as one call")
    func slicesInOrder() {
        let sizes = (0..<2500).map { $0 % 5 + 1 }
        let total = sizes.reduce(0, +)
        let data = Pattern.bytes(count: total)
        let array = BufferArray(data, sizes: sizes)
        let (outcome, transport) = run(array, blocking: true, answers: [.takeAll, .takeAll, .takeAll])
        #expect(outcome == .complete(sent: total))
        #expect(transport.calls.map(\.spans.count) == [1024, 1024, 452])
        var next = 0
        for call in transport.calls {
            #expect(call.spans.first?[0] == next)
            next += call.bytes
        }
        #expect(transport.output == data)
    }

    @Test("a partial answer in the middle of a slice makes the next window start at the exact byte")
    func partialInsideSlice() {
        let sizes = (0..<2100).map { _ in 10 }
        let data = Pattern.bytes(count: 21_000)
        let array = BufferArray(data, sizes: sizes)
        let (outcome, transport) = run(
            array, blocking: true, answers: [.take(5005), .takeAll, .takeAll, .takeAll], waits: [])
        #expect(outcome == .complete(sent: 21_000))
        #expect(transport.calls[1].spans.first == [5005, 5])
        #expect(transport.calls[1].spans.count == 1024)
        #expect(transport.output == data)
    }

    @Test("empty buffers are never offered to the kernel, and an all-empty array sends nothing")
    func emptyBuffers() {
        let sizes = (0..<3000).map { $0 % 3 == 0 ? 3 : 0 }
        let data = Pattern.bytes(count: 3000)
        let array = BufferArray(data, sizes: sizes)
        let (outcome, transport) = run(array, blocking: true, answers: [.takeAll])
        #expect(outcome == .complete(sent: 3000))
        #expect(transport.calls.count == 1, "1000 non-empty buffers fit one window")
        #expect(transport.calls[0].spans.allSatisfy { $0[1] > 0 })
        let empty = BufferArray([], sizes: [0, 0])
        let nothing = run(empty, blocking: true, answers: [])
        #expect(nothing.outcome == .complete(sent: 0))
        #expect(nothing.transport.calls.isEmpty)
    }

    // MSG_OOB: Linux makes the last byte of each sendmsg with MSG_OOB urgent, so only the sendmsg that
    // carries the WSASend call's last byte may have it (flagged here as `endsCall`).
    @Test("one sendmsg that takes everything carries the call's last byte")
    func oneCallEndsCall() {
        let array = BufferArray(Self.data, sizes: Self.sizes)
        let (_, transport) = run(array, blocking: true, answers: [.takeAll])
        #expect(transport.calls.map(\.endsCall) == [true])
    }

    @Test("more than IOV_MAX buffers: only the last slice carries the call's last byte")
    func onlyLastSliceEndsCall() {
        let sizes = [Int](repeating: 4, count: 2500)
        let array = BufferArray(Pattern.bytes(count: 10_000), sizes: sizes)
        let (outcome, transport) = run(array, blocking: true, answers: [.takeAll, .takeAll, .takeAll])
        #expect(outcome == .complete(sent: 10_000))
        #expect(transport.calls.map(\.endsCall) == [false, false, true])
    }

    @Test("partial answers: every retry of the final window carries the last byte, no earlier window does")
    func partialAnswersEndsCall() {
        let sizes = (0..<2100).map { _ in 10 }
        let array = BufferArray(Pattern.bytes(count: 21_000), sizes: sizes)
        let (outcome, transport) = run(
            array, blocking: true,
            answers: [.take(5005), .takeAll, .take(100), .wouldBlock, .take(1), .takeAll], waits: [.writable])
        #expect(outcome == .complete(sent: 21_000))
        #expect(transport.calls.map(\.endsCall) == [false, false, true, true, true, true])
        let single = run(
            BufferArray(Self.data, sizes: Self.sizes), blocking: true, answers: [.take(1500), .wouldBlock, .takeAll],
            waits: [.writable])
        #expect(single.transport.calls.map(\.endsCall) == [true, true, true])
    }

    @Test("a window that stops at IOV_MAX with only empty buffers after it carries the call's last byte")
    func trailingEmptyBuffersEndCall() {
        let sizes = [Int](repeating: 1, count: 1024) + [0, 0, 0]
        let array = BufferArray(Pattern.bytes(count: 1024), sizes: sizes)
        let (outcome, transport) = run(array, blocking: true, answers: [.takeAll])
        #expect(outcome == .complete(sent: 1024))
        #expect(transport.calls.map(\.endsCall) == [true])
    }

    @Test("non-blocking: a slice that is not the last never carries the last byte, even when it is cut short")
    func nonBlockingEndsCall() {
        let sizes = [Int](repeating: 4, count: 2500)
        let array = BufferArray(Pattern.bytes(count: 10_000), sizes: sizes)
        let (outcome, transport) = run(array, blocking: false, answers: [.takeAll, .take(100)])
        #expect(outcome == .partial(sent: 4096 + 100))
        #expect(transport.calls.map(\.endsCall) == [false, false])
    }

    @Test("Deadline.after(0) is no deadline: Winsock's 0 means no timeout")
    func zeroTimeoutIsNone() {
        #expect(Deadline.after(milliseconds: 0) == nil)
        #expect(Deadline.after(milliseconds: 1) != nil)
    }
}
