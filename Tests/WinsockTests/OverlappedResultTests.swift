import Testing
import Winsock

@Suite("WSAGetOverlappedResult")
struct OverlappedResultTests {
    @Test(
        "fWait FALSE while pending gives FALSE with WSA_IO_INCOMPLETE; fWait TRUE waits for the result",
        arguments: SendFunction.allCases)
    func incompleteThenWait(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let slots = SendSlots(1)
        let payload = Payload(count: 30_000)
        var buffer = payload.wsabuf
        #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSA_IO_PENDING)
        var bytes: DWORD = 7
        var flags: DWORD = 7
        #expect(WSAGetOverlappedResult(pair.client.handle, slots[0], &bytes, FALSE, &flags) == FALSE)
        #expect(WSAGetLastError() == WSA_IO_INCOMPLETE)
        let drainer = Worker {
            pause(microseconds: 50_000)
            try drain(pair.server, count: filled + 30_000)
        }
        #expect(WSAGetOverlappedResult(pair.client.handle, slots[0], &bytes, TRUE, &flags) == TRUE)
        #expect(bytes == 30_000)
        #expect(flags == 0)
        #expect(WSAGetLastError() == 0)
        try drainer.join()
    }

    @Test("a nil lpOverlapped gives WSA_INVALID_PARAMETER; nil out-pointers WSAEFAULT; a bad socket WSAENOTSOCK")
    func argumentChecks() throws {
        let pair = try OverlappedPair()
        let slots = SendSlots(1)
        var bytes: DWORD = 0
        var flags: DWORD = 0
        #expect(WSAGetOverlappedResult(pair.client.handle, nil, &bytes, FALSE, &flags) == FALSE)
        #expect(WSAGetLastError() == WSA_INVALID_PARAMETER)
        #expect(WSAGetOverlappedResult(pair.client.handle, slots[0], nil, FALSE, &flags) == FALSE)
        #expect(WSAGetLastError() == WSAEFAULT)
        #expect(WSAGetOverlappedResult(pair.client.handle, slots[0], &bytes, FALSE, nil) == FALSE)
        #expect(WSAGetLastError() == WSAEFAULT)
        #expect(WSAGetOverlappedResult(0xBAD0, slots[0], &bytes, FALSE, &flags) == FALSE)
        #expect(WSAGetLastError() == WSAENOTSOCK)
    }

    @Test("a failed operation gives FALSE with its code and the bytes it had sent", arguments: SendFunction.allCases)
    func failedOperation(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let slots = SendSlots(1)
        let payload = Payload(count: 10_000)
        var buffer = payload.wsabuf
        #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSA_IO_PENDING)
        var returned: DWORD = 0
        #expect(WSAIoctl(pair.client.handle, SIO_FLUSH, nil, 0, nil, 0, &returned, nil, nil) == 0)
        var bytes: DWORD = 99
        var flags: DWORD = 0
        #expect(WSAGetOverlappedResult(pair.client.handle, slots[0], &bytes, FALSE, &flags) == FALSE)
        #expect(WSAGetLastError() == WSA_OPERATION_ABORTED)
        #expect(bytes == 0)
        _ = filled
    }

    @Test("Internal and InternalHigh carry the status and the byte count", arguments: SendFunction.allCases)
    func internalFields(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let slots = SendSlots(1)
        let payload = Payload(count: 777)
        var buffer = payload.wsabuf
        var sent: DWORD = 0
        let rc = function.call(pair.client.handle, &buffer, 1, &sent, 0, slots[0], nil)
        #expect(rc == 0 || WSAGetLastError() == WSA_IO_PENDING)
        #expect(waitCompleted(slots[0]))
        #expect(slots[0].pointee.Internal == 0)
        #expect(slots[0].pointee.InternalHigh == 777)
    }
}
