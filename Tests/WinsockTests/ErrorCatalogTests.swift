import Testing
import Winsock

/// A constant as the library spells it, its name, and the number Windows gives it.
struct PinnedCode: Sendable, CustomTestStringConvertible {
    let value: Int32
    let name: String
    let windows: Int32

    init(_ value: Int32, _ name: String, _ windows: Int32) {
        self.value = value
        self.name = name
        self.windows = windows
    }

    var testDescription: String { "\(name) = \(windows)" }
}

@Suite("Winsock error codes and the error catalog")
struct ErrorCatalogTests {
    /// Every code of the error table of "WSASend function (winsock2.h)" (WSAECONNABORTED ... WSA_OPERATION_ABORTED), the overlapped
    /// and wait codes, and the other WSAE* codes, with Windows' numbers.
    static let codes: [PinnedCode] = [
        // The spec's error table.
        PinnedCode(WSAECONNABORTED, "WSAECONNABORTED", 10053),
        PinnedCode(WSAECONNRESET, "WSAECONNRESET", 10054),
        PinnedCode(WSAEFAULT, "WSAEFAULT", 10014),
        PinnedCode(WSAEINTR, "WSAEINTR", 10004),
        PinnedCode(WSAEINPROGRESS, "WSAEINPROGRESS", 10036),
        PinnedCode(WSAEINVAL, "WSAEINVAL", 10022),
        PinnedCode(WSAEMSGSIZE, "WSAEMSGSIZE", 10040),
        PinnedCode(WSAENETDOWN, "WSAENETDOWN", 10050),
        PinnedCode(WSAENETRESET, "WSAENETRESET", 10052),
        PinnedCode(WSAENOBUFS, "WSAENOBUFS", 10055),
        PinnedCode(WSAENOTCONN, "WSAENOTCONN", 10057),
        PinnedCode(WSAENOTSOCK, "WSAENOTSOCK", 10038),
        PinnedCode(WSAEOPNOTSUPP, "WSAEOPNOTSUPP", 10045),
        PinnedCode(WSAESHUTDOWN, "WSAESHUTDOWN", 10058),
        PinnedCode(WSAEWOULDBLOCK, "WSAEWOULDBLOCK", 10035),
        PinnedCode(WSANOTINITIALISED, "WSANOTINITIALISED", 10093),
        PinnedCode(WSA_IO_PENDING, "WSA_IO_PENDING", 997),
        PinnedCode(WSA_OPERATION_ABORTED, "WSA_OPERATION_ABORTED", 995),
        // Overlapped codes.
        PinnedCode(WSA_IO_INCOMPLETE, "WSA_IO_INCOMPLETE", 996),
        PinnedCode(WSA_INVALID_HANDLE, "WSA_INVALID_HANDLE", 6),
        PinnedCode(WSA_INVALID_PARAMETER, "WSA_INVALID_PARAMETER", 87),
        PinnedCode(WSA_NOT_ENOUGH_MEMORY, "WSA_NOT_ENOUGH_MEMORY", 8),
        // The rest of winsock2.h's codes.
        PinnedCode(WSAEBADF, "WSAEBADF", 10009),
        PinnedCode(WSAEACCES, "WSAEACCES", 10013),
        PinnedCode(WSAEMFILE, "WSAEMFILE", 10024),
        PinnedCode(WSAEALREADY, "WSAEALREADY", 10037),
        PinnedCode(WSAEDESTADDRREQ, "WSAEDESTADDRREQ", 10039),
        PinnedCode(WSAEPROTOTYPE, "WSAEPROTOTYPE", 10041),
        PinnedCode(WSAENOPROTOOPT, "WSAENOPROTOOPT", 10042),
        PinnedCode(WSAEPROTONOSUPPORT, "WSAEPROTONOSUPPORT", 10043),
        PinnedCode(WSAESOCKTNOSUPPORT, "WSAESOCKTNOSUPPORT", 10044),
        PinnedCode(WSAEPFNOSUPPORT, "WSAEPFNOSUPPORT", 10046),
        PinnedCode(WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT", 10047),
        PinnedCode(WSAEADDRINUSE, "WSAEADDRINUSE", 10048),
        PinnedCode(WSAEADDRNOTAVAIL, "WSAEADDRNOTAVAIL", 10049),
        PinnedCode(WSAENETUNREACH, "WSAENETUNREACH", 10051),
        PinnedCode(WSAEISCONN, "WSAEISCONN", 10056),
        PinnedCode(WSAETOOMANYREFS, "WSAETOOMANYREFS", 10059),
        PinnedCode(WSAETIMEDOUT, "WSAETIMEDOUT", 10060),
        PinnedCode(WSAECONNREFUSED, "WSAECONNREFUSED", 10061),
        PinnedCode(WSAELOOP, "WSAELOOP", 10062),
        PinnedCode(WSAENAMETOOLONG, "WSAENAMETOOLONG", 10063),
        PinnedCode(WSAEHOSTDOWN, "WSAEHOSTDOWN", 10064),
        PinnedCode(WSAEHOSTUNREACH, "WSAEHOSTUNREACH", 10065),
        PinnedCode(WSAENOTEMPTY, "WSAENOTEMPTY", 10066),
        PinnedCode(WSAEPROCLIM, "WSAEPROCLIM", 10067),
        PinnedCode(WSAEUSERS, "WSAEUSERS", 10068),
        PinnedCode(WSAEDQUOT, "WSAEDQUOT", 10069),
        PinnedCode(WSAESTALE, "WSAESTALE", 10070),
        PinnedCode(WSAEREMOTE, "WSAEREMOTE", 10071),
        PinnedCode(WSASYSNOTREADY, "WSASYSNOTREADY", 10091),
        PinnedCode(WSAVERNOTSUPPORTED, "WSAVERNOTSUPPORTED", 10092),
        PinnedCode(WSAEDISCON, "WSAEDISCON", 10101),
        PinnedCode(WSAENOMORE, "WSAENOMORE", 10102),
        PinnedCode(WSAECANCELLED, "WSAECANCELLED", 10103),
        PinnedCode(WSAEINVALIDPROCTABLE, "WSAEINVALIDPROCTABLE", 10104),
        PinnedCode(WSAEINVALIDPROVIDER, "WSAEINVALIDPROVIDER", 10105),
        PinnedCode(WSAEPROVIDERFAILEDINIT, "WSAEPROVIDERFAILEDINIT", 10106),
        PinnedCode(WSASYSCALLFAILURE, "WSASYSCALLFAILURE", 10107),
        PinnedCode(WSASERVICE_NOT_FOUND, "WSASERVICE_NOT_FOUND", 10108),
        PinnedCode(WSATYPE_NOT_FOUND, "WSATYPE_NOT_FOUND", 10109),
        PinnedCode(WSA_E_NO_MORE, "WSA_E_NO_MORE", 10110),
        PinnedCode(WSA_E_CANCELLED, "WSA_E_CANCELLED", 10111),
        PinnedCode(WSAEREFUSED, "WSAEREFUSED", 10112),
        PinnedCode(WSAHOST_NOT_FOUND, "WSAHOST_NOT_FOUND", 11001),
        PinnedCode(WSATRY_AGAIN, "WSATRY_AGAIN", 11002),
        PinnedCode(WSANO_RECOVERY, "WSANO_RECOVERY", 11003),
        PinnedCode(WSANO_DATA, "WSANO_DATA", 11004),
    ]

    @Test("each code has Windows' number", arguments: codes)
    func numberPinned(_ code: PinnedCode) {
        #expect(code.value == code.windows)
    }

    @Test("the catalog knows each code by its number and by its name", arguments: codes)
    func catalogued(_ code: PinnedCode) throws {
        let info = try #require(WSAErrorCatalog.info(for: code.windows))
        #expect(info.code == code.windows)
        #expect(info.name == code.name)
        #expect(!info.summary.isEmpty)
        #expect(!info.message.isEmpty)
        #expect(WSAErrorCatalog.info(named: code.name)?.code == code.windows)
        #expect(WSAError(code.windows).name == code.name)
        #expect(WSAError(code.windows).description == "\(code.name) (\(code.windows))")
    }

    @Test("the catalog lists every code once, in numeric order, and nothing this table does not pin")
    func catalogOrder() {
        let listed = WSAErrorCatalog.all.map(\.code)
        #expect(listed == listed.sorted())
        #expect(Set(listed).count == listed.count)
        #expect(Set(WSAErrorCatalog.all.map(\.name)).count == listed.count)
        #expect(Set(listed) == Set(Self.codes.map(\.windows)))
    }

    /// the "Meaning" sentence of "WSASend function (winsock2.h)" of each code of its error table.
    static let specSentences: [(Int32, String)] = [
        (WSAECONNABORTED, "The virtual circuit was terminated due to a time-out or other failure."),
        (
            WSAECONNRESET,
            "For a stream socket, the virtual circuit was reset by the remote side. The application should close "
                + "the socket as it is no longer usable. For a UDP datagram socket, this error would indicate that "
                + "a previous send operation resulted in an ICMP \"Port Unreachable\" message."
        ),
        (
            WSAEFAULT,
            "The lpBuffers, lpNumberOfBytesSent, lpOverlapped, lpCompletionRoutine parameter is not totally "
                + "contained in a valid part of the user address space."
        ),
        (WSAEINTR, "A blocking Windows Socket 1.1 call was canceled through WSACancelBlockingCall."),
        (
            WSAEINPROGRESS,
            "A blocking Windows Sockets 1.1 call is in progress, or the service provider is still processing a "
                + "callback function."
        ),
        (WSAEINVAL, "The socket has not been bound with bind or the socket is not created with the overlapped flag."),
        (
            WSAEMSGSIZE,
            "The socket is message oriented, and the message is larger than the maximum supported by the "
                + "underlying transport."
        ),
        (WSAENETDOWN, "The network subsystem has failed."),
        (
            WSAENETRESET,
            "For a stream socket, the connection has been broken due to keep-alive activity detecting a failure "
                + "while the operation was in progress. For a datagram socket, this error indicates that the time "
                + "to live has expired."
        ),
        (WSAENOBUFS, "The Windows Sockets provider reports a buffer deadlock."),
        (WSAENOTCONN, "The socket is not connected."),
        (WSAENOTSOCK, "The descriptor is not a socket."),
        (
            WSAEOPNOTSUPP,
            "MSG_OOB was specified, but the socket is not stream-style such as type SOCK_STREAM, OOB data is not "
                + "supported in the communication domain associated with this socket, MSG_PARTIAL is not "
                + "supported, or the socket is unidirectional and supports only receive operations."
        ),
        (
            WSAESHUTDOWN,
            "The socket has been shut down; it is not possible to WSASend on a socket after shutdown has been "
                + "invoked with how set to SD_SEND or SD_BOTH."
        ),
        (
            WSAEWOULDBLOCK,
            "Overlapped sockets: There are too many outstanding overlapped I/O requests. Nonoverlapped sockets: "
                + "The socket is marked as nonblocking and the send operation cannot be completed immediately."
        ),
        (WSANOTINITIALISED, "A successful WSAStartup call must occur before using this function."),
        (
            WSA_IO_PENDING,
            "An overlapped operation was successfully initiated and completion will be indicated at a later time."
        ),
        (
            WSA_OPERATION_ABORTED,
            "The overlapped operation has been canceled due to the closure of the socket, the execution of the "
                + "\"SIO_FLUSH\" command in WSAIoctl, or the thread that initiated the overlapped request exited "
                + "before the operation completed."
        ),
    ]

    @Test("a code of the spec's error table carries the spec's own sentence as its message")
    func specMessages() {
        for (code, sentence) in Self.specSentences {
            let error = WSAError(code)
            #expect(error.message == sentence, "\(error.name)")
            #expect(WSAErrorCatalog.info(for: code)?.fromSpec == true, "\(error.name)")
        }
        #expect(Set(Self.specSentences.map(\.0)) == Set(ErrnoMappingTests.specErrorTable))
    }

    @Test("a code the catalog does not know round-trips through WSAError")
    func unknownCodeRoundTrips() {
        let unknown = WSAError(rawValue: 424_242)
        #expect(unknown.rawValue == 424_242)
        #expect(unknown.code == 424_242)
        #expect(WSAError(424_242) == unknown)
        #expect(unknown.name == "WSA error 424242")
        #expect(unknown.message == "Unknown Winsock error.")
        #expect(unknown.description == "WSA error 424242 (424242)")
        #expect(WSAErrorCatalog.info(for: 424_242) == nil)
        #expect(WSAError(rawValue: -1).code == -1)
    }

    @Test("catalog names are found in any case, with or without the WSA prefix")
    func lookupByName() {
        #expect(WSAErrorCatalog.info(named: "wsaeconnreset")?.code == 10054)
        #expect(WSAErrorCatalog.info(named: "ECONNRESET")?.code == 10054)
        #expect(WSAErrorCatalog.info(named: "IO_PENDING")?.code == 997)
        #expect(WSAErrorCatalog.info(named: "NOTINITIALISED")?.code == 10093)
        #expect(WSAErrorCatalog.info(named: "NOSUCHCODE") == nil)
    }

    @Test("WSAError's named constants carry their codes, and catch patterns match by code")
    func namedErrors() {
        let pairs: [(WSAError, Int32)] = [
            (.notInitialised, 10093), (.notSocket, 10038), (.fault, 10014), (.invalidArgument, 10022),
            (.wouldBlock, 10035), (.inProgress, 10036), (.interrupted, 10004), (.messageSize, 10040),
            (.operationNotSupported, 10045), (.networkDown, 10050), (.networkReset, 10052),
            (.connectionAborted, 10053), (.connectionReset, 10054), (.connectionRefused, 10061),
            (.noBufferSpace, 10055), (.notConnected, 10057), (.shutDown, 10058), (.timedOut, 10060),
            (.ioPending, 997), (.ioIncomplete, 996), (.operationAborted, 995), (.invalidHandle, 6),
            (.invalidParameter, 87), (.versionNotSupported, 10092),
        ]
        for (error, code) in pairs { #expect(error.code == code, "\(error)") }

        func fail() throws { throw WSAError(WSAECONNRESET) }
        var matched = false
        do { try fail() } catch WSAError.connectionReset { matched = true } catch {}
        #expect(matched)
        #expect(!(WSAError.timedOut ~= WSAError(WSAECONNRESET)))
    }
}
