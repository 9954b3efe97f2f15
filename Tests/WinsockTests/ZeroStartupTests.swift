import Testing
import Winsock

import var Glibc.ECONNREFUSED
import var Glibc.TIOCOUTQ
import func Glibc.ioctl

/// The library with no WSAStartup outstanding. WSAStartup's count is process-wide, so these run only
/// in a child process of their own (IsolatedRunTests starts it, one test per child), never beside the
/// in-process tests that hold the process session.
@Suite(
    "The library before WSAStartup and after the last WSACleanup (child process)",
    .enabled(if: ChildProcess.isChild, Comment(rawValue: ChildProcess.childOnlyReason)))
struct ZeroStartupTests {
    // "A successful WSAStartup call must occur before using this function." (WSANOTINITIALISED)
    @Test("before WSAStartup every function fails with WSANOTINITIALISED")
    func notInitialisedBeforeStartup() {
        for function in PublicFunction.allCases {
            WSASetLastError(0)
            #expect(function.fails(on: 0x1000), "\(function.rawValue) succeeded before WSAStartup")
            #expect(WSAGetLastError() == WSANOTINITIALISED, "\(function.rawValue): \(WSAError(WSAGetLastError()))")
        }
        // WSAGetLastError and WSASetLastError work before WSAStartup, as on Windows.
        WSASetLastError(1234)
        #expect(WSAGetLastError() == 1234)
        ChildProcess.markFinished("notInitialisedBeforeStartup")
    }

    @Test("a failed WSAStartup (major 0, nil WSADATA) does not start the library")
    func failedStartupLeavesLibraryStopped() {
        var data = WSADATA()
        #expect(WSAStartup(MAKEWORD(0, 2), &data) == WSAVERNOTSUPPORTED)
        #expect(WSAStartup(MAKEWORD(2, 2), nil) == WSAEFAULT)
        WSASetLastError(0)
        #expect(Winsock.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) == INVALID_SOCKET)
        #expect(WSAGetLastError() == WSANOTINITIALISED)
        expectFailure(WSACleanup(), WSANOTINITIALISED)
        ChildProcess.markFinished("failedStartupLeavesLibraryStopped")
    }

    @Test("WSAStartup is reference counted: each call needs its own WSACleanup")
    func referenceCounting() throws {
        var data = WSADATA()
        try #require(WSAStartup(MAKEWORD(2, 2), &data) == 0)
        try #require(WSAStartup(MAKEWORD(1, 1), &data) == 0)
        let socket = Winsock.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)
        try #require(socket != INVALID_SOCKET)
        expectSuccess(WSACleanup(), "the first of two cleanups")
        #expect(getOption(socket, SOL_SOCKET, SO_TYPE) == UInt32(SOCK_DGRAM), "the socket survives one cleanup")
        expectSuccess(WSACleanup(), "the second of two cleanups")
        #expect(Winsock.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) == INVALID_SOCKET)
        #expect(WSAGetLastError() == WSANOTINITIALISED)
        expectFailure(WSACleanup(), WSANOTINITIALISED, "a cleanup without a startup")
        ChildProcess.markFinished("referenceCounting")
    }

    // The library's rule: the last WSACleanup "closes every socket; later calls on them fail", then
    // WSANOTINITIALISED.
    @Test("after the last WSACleanup every function fails with WSANOTINITIALISED, even on old sockets")
    func notInitialisedAfterLastCleanup() throws {
        var data = WSADATA()
        try #require(WSAStartup(MAKEWORD(2, 2), &data) == 0)
        let stream = Winsock.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
        let datagram = Winsock.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)
        try #require(stream != INVALID_SOCKET && datagram != INVALID_SOCKET)
        try #require(WSACleanup() == 0)
        for handle in [stream, datagram] {
            for function in PublicFunction.allCases {
                WSASetLastError(0)
                #expect(function.fails(on: handle), "\(function.rawValue) succeeded after the last WSACleanup")
                #expect(WSAGetLastError() == WSANOTINITIALISED, "\(function.rawValue): \(WSAError(WSAGetLastError()))")
            }
        }
        ChildProcess.markFinished("notInitialisedAfterLastCleanup")
    }

    @Test("the last WSACleanup closes every socket: blocked sends return, peers see the close, ports are freed")
    func lastCleanupClosesSockets() throws {
        var data = WSADATA()
        try #require(WSAStartup(MAKEWORD(2, 2), &data) == 0)
        // A connected stream socket with a raw peer, a listening socket, and a bound datagram socket.
        let rawListener = RawSocket(family: AF_INET, datagram: false)
        let rawPort = rawListener.bindLoopback()
        rawListener.listen()
        let connected = Winsock.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
        try #require(connectLoopback(connected, family: AF_INET, port: rawPort) == 0)
        let peer = try #require(rawListener.accept())
        let listener = Winsock.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
        try #require(bindLoopback(listener, family: AF_INET) == 0)
        try #require(Winsock.listen(listener, 4) == 0)
        let listenerPort = localPort(listener)
        let datagram = Winsock.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)
        try #require(bindLoopback(datagram, family: AF_INET) == 0)
        let datagramPort = localPort(datagram)
        // A thread blocked in WSASend on a socket whose peer reads nothing.
        let stuckListener = RawSocket(family: AF_INET, datagram: false)
        stuckListener.setReceiveBuffer(4096)
        let stuckPort = stuckListener.bindLoopback()
        stuckListener.listen()
        let stuck = Winsock.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
        try #require(setOption(stuck, SOL_SOCKET, SO_SNDBUF, 4096) == 0)
        try #require(connectLoopback(stuck, family: AF_INET, port: stuckPort) == 0)
        let stuckPeer = try #require(stuckListener.accept())
        let sender = TestThread { wsaSend(stuck, Pattern.bytes(count: 4 << 20)) }
        // Cleanup must come after the send has begun (on a loaded machine the thread may take a while to
        // get there): wait until bytes sit in the socket's send queue, then a little more.
        let descriptor = try #require(linuxDescriptor(of: stuck))
        for _ in 0..<500 where queuedBytes(descriptor) == 0 { TestClock.sleep(milliseconds: 10) }
        #expect(queuedBytes(descriptor) > 0, "the send never began")
        TestClock.sleep(milliseconds: 100)
        #expect(!sender.isFinished, "the send should be blocked: its peer reads nothing")

        try #require(WSACleanup() == 0)

        let released = sender.join(waitingAtMost: 10_000)
        #expect(released?.rc == SOCKET_ERROR && released?.error == WSAEINTR, "\(String(describing: released))")
        withExtendedLifetime(stuckPeer) {}

        #expect(peer.receive(waitingAtMost: 5000) == [], "the connected peer sees EOF")
        let probe = RawSocket(family: AF_INET, datagram: false)
        #expect(probe.connect(loopbackPort: listenerPort) == ECONNREFUSED, "the listening socket is closed")
        let rebind = RawSocket(family: AF_INET, datagram: true)
        #expect(rebind.bind(loopbackPort: datagramPort) == 0, "the datagram socket's port is free again")

        try #require(WSAStartup(MAKEWORD(2, 2), &data) == 0)
        for handle in [connected, listener, datagram] {
            expectFailure(closesocket(handle), WSAENOTSOCK, "an old handle is not a socket after a new WSAStartup")
        }
        #expect(WSACleanup() == 0)
        ChildProcess.markFinished("lastCleanupClosesSockets")
    }
}

/// Runs each child-only test in a child process of its own and requires that it passed and reached
/// its end.
@Suite("Child-process tests", .enabled(if: !ChildProcess.isChild, "the parent side of the child-process tests"))
struct IsolatedRunTests {
    static let childTests = [
        "ZeroStartupTests/notInitialisedBeforeStartup",
        "ZeroStartupTests/failedStartupLeavesLibraryStopped",
        "ZeroStartupTests/referenceCounting",
        "ZeroStartupTests/notInitialisedAfterLastCleanup",
        "ZeroStartupTests/lastCleanupClosesSockets",
        "SignalTests/sigpipeNeverRaised",
        "SignalDuringWaitTests/pollWaitsOutSignals",
    ]

    @Test("the child-process test passes", arguments: childTests)
    func child(_ name: String) {
        let outcome = ChildProcess.runIsolated(filter: name + "\\(")
        let mark = String(name.split(separator: "/").last!)
        #expect(outcome.status == 0, "\(outcome.summary)")
        #expect(outcome.marks == [mark], "the child did not reach the end of \(name)\n\(outcome.summary)")
    }
}

/// Bytes in a Linux socket's send queue (TIOCOUTQ, as SIOCOUTQ is spelt for sockets too).
private func queuedBytes(_ descriptor: Int32) -> Int32 {
    var queued: Int32 = 0
    return ioctl(descriptor, UInt(TIOCOUTQ), &queued) == 0 ? queued : 0
}
