import Glibc
import Testing

@testable import Winsock

/// The situations the mapping distinguishes.
private enum Situation: String, CaseIterable, CustomTestStringConvertible {
    case blockingSend, nonBlockingSend, neverConnectedSend, datagramSend, connect, other

    var value: ErrnoSituation {
        switch self {
        case .blockingSend: ErrnoSituation(call: .send, blocking: true)
        case .nonBlockingSend: ErrnoSituation(call: .send, blocking: false)
        case .neverConnectedSend: ErrnoSituation(call: .send, everConnected: false)
        case .datagramSend: ErrnoSituation(call: .send, datagram: true)
        case .connect: ErrnoSituation(call: .connect, everConnected: false)
        case .other: ErrnoSituation(call: .other)
        }
    }

    var testDescription: String { rawValue }
}

/// One expected translation, written from the library's errno table (on the send path), not
/// from the library's table, so that a changed row fails here.
private struct Expectation: Sendable, CustomTestStringConvertible {
    let errno: Int32
    let errnoName: String
    let situation: Situation
    let code: Int32

    init(_ errno: Int32, _ errnoName: String, _ situation: Situation, _ code: Int32) {
        self.errno = errno
        self.errnoName = errnoName
        self.situation = situation
        self.code = code
    }

    var testDescription: String { "\(errnoName) in \(situation.rawValue) → \(WSAError(code).name)" }
}

@Suite("The errno → WSA mapping (the library's errno table)")
struct ErrnoMappingTests {
    private static let behaviour: [Expectation] = [
        // "EAGAIN on a non-blocking socket: WSAEWOULDBLOCK (10035); on a blocking socket with SO_SNDTIMEO:
        // WSAETIMEDOUT (10060)."
        Expectation(EAGAIN, "EAGAIN", .nonBlockingSend, WSAEWOULDBLOCK),
        Expectation(EAGAIN, "EAGAIN", .blockingSend, WSAETIMEDOUT),
        // "ECONNRESET, and EPIPE on a socket that was connected and not shut down by us: WSAECONNRESET"
        Expectation(ECONNRESET, "ECONNRESET", .blockingSend, WSAECONNRESET),
        Expectation(ECONNRESET, "ECONNRESET", .nonBlockingSend, WSAECONNRESET),
        Expectation(EPIPE, "EPIPE", .blockingSend, WSAECONNRESET),
        Expectation(EPIPE, "EPIPE", .nonBlockingSend, WSAECONNRESET),
        // "TCP send not connected: WSAENOTCONN (Linux says EPIPE for a never-connected socket)"
        Expectation(EPIPE, "EPIPE", .neverConnectedSend, WSAENOTCONN),
        // "ECONNABORTED and ETIMEDOUT from retransmission: WSAECONNABORTED (10053)"
        Expectation(ECONNABORTED, "ECONNABORTED", .blockingSend, WSAECONNABORTED),
        Expectation(ETIMEDOUT, "ETIMEDOUT", .blockingSend, WSAECONNABORTED),
        Expectation(ENETRESET, "ENETRESET", .blockingSend, WSAENETRESET),
        // "ENOTCONN and EDESTADDRREQ: WSAENOTCONN (10057)"
        Expectation(ENOTCONN, "ENOTCONN", .blockingSend, WSAENOTCONN),
        Expectation(EDESTADDRREQ, "EDESTADDRREQ", .datagramSend, WSAENOTCONN),
        Expectation(EMSGSIZE, "EMSGSIZE", .datagramSend, WSAEMSGSIZE),
        Expectation(EFAULT, "EFAULT", .blockingSend, WSAEFAULT),
        // "EBADF and ENOTSOCK: WSAENOTSOCK (10038)"
        Expectation(EBADF, "EBADF", .blockingSend, WSAENOTSOCK),
        Expectation(ENOTSOCK, "ENOTSOCK", .blockingSend, WSAENOTSOCK),
        Expectation(EOPNOTSUPP, "EOPNOTSUPP", .datagramSend, WSAEOPNOTSUPP),
        Expectation(ENETDOWN, "ENETDOWN", .blockingSend, WSAENETDOWN),
        Expectation(ENETUNREACH, "ENETUNREACH", .blockingSend, WSAENETUNREACH),
        Expectation(EHOSTUNREACH, "EHOSTUNREACH", .blockingSend, WSAEHOSTUNREACH),
        // "ENOBUFS and ENOMEM: WSAENOBUFS (10055)"
        Expectation(ENOBUFS, "ENOBUFS", .blockingSend, WSAENOBUFS),
        Expectation(ENOMEM, "ENOMEM", .blockingSend, WSAENOBUFS),
        Expectation(EACCES, "EACCES", .datagramSend, WSAEACCES),
        // "ECONNREFUSED on a connected datagram socket: WSAECONNRESET; on connect: WSAECONNREFUSED (10061)"
        Expectation(ECONNREFUSED, "ECONNREFUSED", .datagramSend, WSAECONNRESET),
        Expectation(ECONNREFUSED, "ECONNREFUSED", .connect, WSAECONNREFUSED),
        // A non-blocking connect in progress is Winsock's WSAEWOULDBLOCK.
        Expectation(EINPROGRESS, "EINPROGRESS", .connect, WSAEWOULDBLOCK),
        // "Anything else: WSAEINVAL (10022)"
        Expectation(EINVAL, "EINVAL", .blockingSend, WSAEINVAL),
        Expectation(ENOENT, "ENOENT", .blockingSend, WSAEINVAL),
        Expectation(EIO, "EIO", .blockingSend, WSAEINVAL),
        Expectation(ENOSPC, "ENOSPC", .datagramSend, WSAEINVAL),
        Expectation(0, "errno 0", .other, WSAEINVAL),
        Expectation(9999, "errno 9999", .other, WSAEINVAL),
    ]

    @Test("each errno of the library's list gives its Winsock code", arguments: behaviour)
    private func behaviourRow(_ row: Expectation) {
        #expect(ErrnoMapping.code(forErrno: row.errno, in: row.situation.value) == row.code)
    }

    /// The library's further rows (socket, bind, options...): pinned so that a change is deliberate.
    private static let libraryRows: [Expectation] = [
        Expectation(EINTR, "EINTR", .other, WSAEINTR),
        // A TCP connect's EAGAIN means no local port was free: Windows says WSAENOBUFS, not WSAEWOULDBLOCK.
        Expectation(EAGAIN, "EAGAIN", .connect, WSAENOBUFS),
        Expectation(EALREADY, "EALREADY", .connect, WSAEALREADY),
        Expectation(EINPROGRESS, "EINPROGRESS", .other, WSAEINPROGRESS),
        Expectation(ETIMEDOUT, "ETIMEDOUT", .connect, WSAETIMEDOUT),
        Expectation(ECONNREFUSED, "ECONNREFUSED", .other, WSAECONNREFUSED),
        Expectation(EHOSTDOWN, "EHOSTDOWN", .blockingSend, WSAEHOSTDOWN),
        Expectation(EPERM, "EPERM", .blockingSend, WSAEACCES),
        Expectation(ESHUTDOWN, "ESHUTDOWN", .blockingSend, WSAESHUTDOWN),
        Expectation(ECANCELED, "ECANCELED", .blockingSend, WSA_OPERATION_ABORTED),
        Expectation(EADDRINUSE, "EADDRINUSE", .other, WSAEADDRINUSE),
        Expectation(EADDRNOTAVAIL, "EADDRNOTAVAIL", .other, WSAEADDRNOTAVAIL),
        Expectation(EAFNOSUPPORT, "EAFNOSUPPORT", .other, WSAEAFNOSUPPORT),
        Expectation(EPFNOSUPPORT, "EPFNOSUPPORT", .other, WSAEPFNOSUPPORT),
        Expectation(EPROTONOSUPPORT, "EPROTONOSUPPORT", .other, WSAEPROTONOSUPPORT),
        Expectation(ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT", .other, WSAESOCKTNOSUPPORT),
        Expectation(EPROTOTYPE, "EPROTOTYPE", .other, WSAEPROTOTYPE),
        Expectation(ENOPROTOOPT, "ENOPROTOOPT", .other, WSAENOPROTOOPT),
        Expectation(EISCONN, "EISCONN", .connect, WSAEISCONN),
        Expectation(EMFILE, "EMFILE", .other, WSAEMFILE),
        Expectation(ENFILE, "ENFILE", .other, WSAEMFILE),
    ]

    @Test("the library's other errno rows give their pinned codes", arguments: libraryRows)
    private func libraryRow(_ row: Expectation) {
        #expect(ErrnoMapping.code(forErrno: row.errno, in: row.situation.value) == row.code)
    }

    @Test("every row of the table is reachable: no earlier row of the same errno always shadows it")
    func everyRowReachable() {
        var situations: [ErrnoSituation] = []
        for call in [ErrnoSituation.Call.send, .connect, .other] {
            for blocking in [true, false] {
                for datagram in [true, false] {
                    for everConnected in [true, false] {
                        situations.append(
                            ErrnoSituation(
                                call: call, blocking: blocking, datagram: datagram, everConnected: everConnected))
                    }
                }
            }
        }
        for (index, row) in ErrnoMapping.table.enumerated() {
            let chosenSomewhere = situations.contains { situation in
                ErrnoMapping.table.firstIndex { candidate in
                    candidate.errno == row.errno && ErrnoMapping.holds(candidate.condition, in: situation)
                } == index
            }
            #expect(chosenSomewhere, "row \(index) (errno \(row.errno) → \(WSAError(row.code).name)) is never used")
        }
    }

    @Test("the table is one table: each errno and condition appears once")
    func rowsAreUnique() {
        let keys = ErrnoMapping.table.map { "\($0.errno)/\($0.condition)" }
        #expect(Set(keys).count == keys.count)
    }

    /// the error table of "WSASend function (winsock2.h)", in its order.
    static let specErrorTable: [Int32] = [
        WSAECONNABORTED, WSAECONNRESET, WSAEFAULT, WSAEINTR, WSAEINPROGRESS, WSAEINVAL, WSAEMSGSIZE,
        WSAENETDOWN, WSAENETRESET, WSAENOBUFS, WSAENOTCONN, WSAENOTSOCK, WSAEOPNOTSUPP, WSAESHUTDOWN,
        WSAEWOULDBLOCK, WSANOTINITIALISED, WSA_IO_PENDING, WSA_OPERATION_ABORTED,
    ]

    @Test("every code of the spec's error table comes from an errno row or a library condition")
    func specTableCovered() {
        let produced =
            Set(ErrnoMapping.table.map(\.code)).union(ErrnoMapping.LibraryCondition.allCases.map(\.code))
        for code in Self.specErrorTable {
            #expect(produced.contains(code), "\(WSAError(code).name) is produced by nothing")
        }
    }

    private static let conditions: [ErrnoMapping.LibraryCondition: Int32] = [
        .notInitialised: WSANOTINITIALISED,
        .notASocket: WSAENOTSOCK,
        .badPointer: WSAEFAULT,
        .sendAfterShutdown: WSAESHUTDOWN,
        .notConnected: WSAENOTCONN,
        .unsupportedFlags: WSAEOPNOTSUPP,
        .datagramTooLarge: WSAEMSGSIZE,
        .overlappedOnNonOverlappedSocket: WSAEINVAL,
        .tooManyOutstanding: WSAEWOULDBLOCK,
        .blockingCallInsideCompletionRoutine: WSAEINPROGRESS,
        .blockingCallCancelledByClose: WSAEINTR,
        .sendTimeoutExpired: WSAETIMEDOUT,
        .operationPending: WSA_IO_PENDING,
        .operationCancelled: WSA_OPERATION_ABORTED,
    ]

    @Test(
        "each library condition gives its code (the library's choices)",
        arguments: ErrnoMapping.LibraryCondition.allCases)
    func libraryCondition(_ condition: ErrnoMapping.LibraryCondition) throws {
        let expected = try #require(Self.conditions[condition], "a condition this test does not pin")
        #expect(condition.code == expected)
    }

    @Test("EINTR is retried, never surfaced: the syscall helper calls again until it stops failing")
    func interruptedCallsAreRetried() {
        var calls = 0
        let result: Int = retryingOnInterrupt {
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 42
        }
        #expect(result == 42)
        #expect(calls == 3)
        var failing = 0
        let failure: Int = retryingOnInterrupt {
            failing += 1
            errno = ECONNRESET
            return -1
        }
        #expect(failure == -Int(ECONNRESET))
        #expect(failing == 1)
    }
}
