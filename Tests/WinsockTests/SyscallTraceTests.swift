import Testing
import Winsock

/// One send system call as strace printed it: a sendmsg and its iovec count, or a sendto (one buffer).
struct TracedSend: Equatable, CustomStringConvertible {
    var iovlen: Int
    var flags: String
    /// A sendto rather than a sendmsg: the library sends a message of one buffer with sendto.
    var isSendto: Bool
    var description: String { isSendto ? "sendto(\(flags))" : "sendmsg(iovlen \(iovlen), \(flags))" }

    init(_ iovlen: Int, _ flags: String) {
        self.iovlen = iovlen
        self.flags = flags
        self.isSendto = false
    }

    /// A sendto of one buffer.
    static func sendto(_ flags: String) -> TracedSend {
        var call = TracedSend(1, flags)
        call.isSendto = true
        return call
    }

    /// Parses `... sendmsg(5, {..., msg_iovlen=3, ...}, MSG_NOSIGNAL) = 3000` and
    /// `... sendto(5, ""..., 3, MSG_OOB|MSG_NOSIGNAL, NULL, 0) = 3` (strace -s 0 prints no bytes, so the
    /// arguments hold no comma of their own).
    init?(line: Substring) {
        if let open = line.firstRange(of: "sendto("), let close = line.ranges(of: ") = ").last {
            let arguments = line[open.upperBound..<close.lowerBound].split(separator: ", ")
            guard arguments.count == 6 else { return nil }
            self = .sendto(String(arguments[3]))
            return
        }
        guard let iovRange = line.firstRange(of: "msg_iovlen="), let brace = line.ranges(of: "}, ").last,
            let close = line.ranges(of: ") = ").last, brace.upperBound <= close.lowerBound
        else { return nil }
        iovlen = Int(line[iovRange.upperBound...].prefix { $0.isNumber }) ?? -1
        flags = String(line[brace.upperBound..<close.lowerBound])
        isSendto = false
    }
}

/// Splits an strace log of sendmsg and sendto calls into the segments between TraceMarker marks.
func traceSegments(_ log: String) -> [[TracedSend]] {
    var segments: [[TracedSend]] = []
    for line in log.split(separator: "\n") where line.contains("sendmsg(") || line.contains("sendto(") {
        if line.contains("sendmsg(-1,") {
            segments.append([])
        } else if let call = TracedSend(line: line), !segments.isEmpty {
            segments[segments.count - 1].append(call)
        }
    }
    return segments
}

/// True when strace can trace a child here (it is installed and ptrace is allowed).
let straceWorks: Bool =
    ChildProcess.available("strace")
    && ChildProcess.run(["strace", "-qq", "-o", "/dev/null", "true"], seconds: 30).status == 0

/// The child side: WSASend calls whose send system calls the parent counts, each segment after a mark.
@Suite(
    "sendmsg calls of WSASend (traced child)",
    .enabled(if: ChildProcess.isChild, Comment(rawValue: ChildProcess.childOnlyReason)))
struct TraceTargets {
    @Test("a sequence of WSASend calls, each after a trace mark")
    func sendSequence() throws {
        let twelve = Pattern.bytes(count: 3000)
        try withStreamPair { tcp, _ in
            try withDatagramPair { udp, _ in
                TraceMarker.mark()  // 1: three buffers, one empty
                #expect(wsaSend(tcp, twelve, sizes: [1000, 0, 2000]).sent == 3000)
                TraceMarker.mark()  // 2: 2500 buffers on a stream
                #expect(
                    wsaSend(tcp, Pattern.bytes(count: 10_000), sizes: [Int](repeating: 4, count: 2500)).sent == 10_000)
                TraceMarker.mark()  // 3: 2000 buffers in one datagram
                #expect(
                    wsaSend(udp, Pattern.bytes(count: 20_000), sizes: [Int](repeating: 10, count: 2000)).sent == 20_000)
                TraceMarker.mark()  // 4: three buffers in one datagram
                #expect(wsaSend(udp, twelve, sizes: [1000, 1000, 1000]).sent == 3000)
                TraceMarker.mark()  // 5: MSG_DONTROUTE on TCP
                #expect(wsaSend(tcp, twelve, sizes: [1500, 1500], flags: DWORD(MSG_DONTROUTE)).rc == 0)
                TraceMarker.mark()  // 6: MSG_OOB on TCP
                #expect(wsaSend(tcp, [1, 2, 3], flags: DWORD(MSG_OOB)).rc == 0)
                TraceMarker.mark()  // 7: MSG_OOB on TCP over 2500 buffers: only the last slice is urgent
                #expect(
                    wsaSend(
                        tcp, Pattern.bytes(count: 10_000), sizes: [Int](repeating: 4, count: 2500),
                        flags: DWORD(MSG_OOB)
                    )
                    .sent == 10_000)
                TraceMarker.mark()  // 8: MSG_DONTROUTE on UDP
                #expect(wsaSend(udp, twelve, sizes: [1500, 1500], flags: DWORD(MSG_DONTROUTE)).rc == 0)
                TraceMarker.mark()  // 9: refused calls: no syscall at all
                let array = BufferArray([1, 2, 3])
                expectFailure(
                    withExtendedLifetime(array) { WSASend(tcp, array.buffers, 1, nil, 0, nil, nil) }, WSAEFAULT)
                expectFailure(wsaSend(tcp, [1], flags: DWORD(MSG_PARTIAL)).rc, WSAEOPNOTSUPP)
                expectFailure(wsaSend(tcp, [1], flags: 0x10).rc, WSAEOPNOTSUPP)
                expectFailure(wsaSend(udp, [1], flags: DWORD(MSG_OOB)).rc, WSAEOPNOTSUPP)
                expectFailure(wsaSend(udp, Pattern.bytes(count: 65508)).rc, WSAEMSGSIZE)
                let holed = BufferArray([1, 2, 3], sizes: [1, 2])
                holed.buffers[1].buf = nil
                expectFailure(holed.send(on: tcp).rc, WSAEFAULT)
                TraceMarker.mark()  // 10: 2500 buffers on a blocking stream with SO_SNDTIMEO
                #expect(setOption(tcp, SOL_SOCKET, SO_SNDTIMEO, 10_000) == 0)
                #expect(
                    wsaSend(tcp, Pattern.bytes(count: 10_000), sizes: [Int](repeating: 4, count: 2500)).sent == 10_000)
                TraceMarker.mark()  // 11: non-blocking TCP with room
                #expect(setNonBlocking(tcp, true) == 0)
                #expect(wsaSend(tcp, twelve, sizes: [1000, 1000, 1000]).sent == 3000)
                TraceMarker.mark()  // 12: one buffer on a non-blocking stream
                #expect(wsaSend(tcp, [1, 2, 3]).sent == 3)
                TraceMarker.mark()  // 13: one buffer on a datagram socket
                #expect(wsaSend(udp, [1, 2, 3]).sent == 3)
                TraceMarker.mark()  // 14: after shutdown(SD_SEND): no syscall
                #expect(Winsock.shutdown(tcp, SD_SEND) == 0)
                expectFailure(wsaSend(tcp, [1]).rc, WSAESHUTDOWN)
                TraceMarker.mark()  // end
            }
        }
        ChildProcess.markFinished("sendSequence")
    }
}

/// Issue 2: "one sendmsg with MSG_NOSIGNAL for the whole WSABUF array; past IOV_MAX (1024) buffers a
/// stream send goes out in IOV_MAX slices ...; a datagram stays one datagram", "argument checks before
/// any syscall", "WSAESHUTDOWN, before any syscall", and no flag dropped — seen by strace.
@Suite(
    "WSASend's send system calls, traced with strace",
    .enabled(if: !ChildProcess.isChild, "the parent side of the traced child"),
    .enabled(if: straceWorks, "strace is not installed or cannot trace here: the send system calls cannot be counted"))
struct SyscallTraceTests {
    @Test(
        "each WSASend is one sendmsg, or one sendto for one buffer (IOV_MAX slices on a stream), with Linux's flags; refused calls make none"
    )
    func traced() throws {
        let log = ChildProcess.temporaryFile("strace")
        defer { ChildProcess.remove(log) }
        let outcome = ChildProcess.runIsolated(
            filter: "TraceTargets/sendSequence\\(",
            wrapper: ["strace", "-f", "-qq", "-e", "trace=sendmsg,sendto", "-e", "signal=none", "-s", "0", "-o", log])
        try #require(outcome.status == 0 && outcome.marks == ["sendSequence"], "\(outcome.summary)")
        let segments = traceSegments(ChildProcess.readFile(log))
        let plain = "MSG_NOSIGNAL"
        // A blocking datagram on an idle socket is tried without waiting in the kernel (it waits its turn
        // in the send queue only when the socket has no room): MSG_DONTWAIT.
        let datagram = "MSG_DONTWAIT|MSG_NOSIGNAL"
        let expected: [[TracedSend]] = [
            [TracedSend(2, plain)],
            [TracedSend(1024, plain), TracedSend(1024, plain), TracedSend(452, plain)],
            // Past IOV_MAX a datagram's buffers are copied into one: a sendto.
            [.sendto(datagram)],
            [TracedSend(3, datagram)],
            [TracedSend(2, "MSG_DONTROUTE|MSG_NOSIGNAL")],
            [.sendto("MSG_OOB|MSG_NOSIGNAL")],
            // MSG_OOB makes the last byte of its sendmsg urgent: only the call's last byte may be.
            [TracedSend(1024, plain), TracedSend(1024, plain), TracedSend(452, "MSG_OOB|MSG_NOSIGNAL")],
            [TracedSend(2, "MSG_DONTROUTE|MSG_DONTWAIT|MSG_NOSIGNAL")],
            [],
            // With a deadline only the first sendmsg may block in the kernel (SO_SNDTIMEO bounds the call).
            [
                TracedSend(1024, plain), TracedSend(1024, "MSG_DONTWAIT|MSG_NOSIGNAL"),
                TracedSend(452, "MSG_DONTWAIT|MSG_NOSIGNAL"),
            ],
            [TracedSend(3, "MSG_DONTWAIT|MSG_NOSIGNAL")],
            [.sendto("MSG_DONTWAIT|MSG_NOSIGNAL")],
            [.sendto(datagram)],
            [],
            [],
        ]
        #expect(segments.count == expected.count)
        for (index, segment) in segments.enumerated() where index < expected.count {
            #expect(segment == expected[index], "segment \(index + 1)")
        }
    }
}
