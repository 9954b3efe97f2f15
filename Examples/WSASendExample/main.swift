// The example of the published "WSASend function (winsock2.h)" page ("The following code example shows how to use the WSASend function in
// overlapped I/O mode"), ported line for line to Swift against the Win32-shaped surface.
//
// Two changes Swift forces, marked below: the WSAOVERLAPPED and the data buffer live on the heap,
// because the system writes to them after WSASend returns and Swift gives `&local` a lifetime of one
// call; and the port, "27015" in the original, may be given as the first argument so that tests can
// pick a free one.
import Winsock

import func Glibc.exit

let DATA_BUFSIZE = 4096
let SEND_COUNT = 10

func main() -> Int32 {
    var wsd = WSADATA()

    var result: UnsafeMutablePointer<addrinfo>? = nil
    var hints = addrinfo()
    // Swift: heap storage that outlives each WSASend call (C used a stack variable).
    let SendOverlapped = UnsafeMutablePointer<WSAOVERLAPPED>.allocate(capacity: 1)

    var ListenSocket = INVALID_SOCKET
    var AcceptSocket = INVALID_SOCKET

    var DataBuf = WSABUF()
    var SendBytes: DWORD = 0
    var Flags: DWORD = 0

    // Swift: heap storage, as above.
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: DATA_BUFSIZE)
    buffer.initialize(repeating: 0, count: DATA_BUFSIZE)

    var err: Int32 = 0
    var rc: Int32

    // Load Winsock
    rc = WSAStartup(MAKEWORD(2, 2), &wsd)
    if rc != 0 {
        print("Unable to load Winsock: \(rc)")
        return 1
    }

    // Make sure the hints struct is zeroed out
    hints = addrinfo()

    // Initialize the hints to obtain the
    // wildcard bind address for IPv4
    hints.ai_family = AF_INET
    hints.ai_socktype = SOCK_STREAM
    hints.ai_protocol = IPPROTO_TCP
    hints.ai_flags = AI_PASSIVE

    let port = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "27015"
    rc = getaddrinfo(nil, port, &hints, &result)
    if rc != 0 {
        print("getaddrinfo failed with error: \(rc)")
        return 1
    }

    ListenSocket = socket(result!.pointee.ai_family, result!.pointee.ai_socktype, result!.pointee.ai_protocol)
    if ListenSocket == INVALID_SOCKET {
        print("socket failed with error: \(WSAGetLastError())")
        freeaddrinfo(result)
        return 1
    }

    rc = bind(ListenSocket, result!.pointee.ai_addr, Int32(result!.pointee.ai_addrlen))
    if rc == SOCKET_ERROR {
        print("bind failed with error: \(WSAGetLastError())")
        freeaddrinfo(result)
        _ = closesocket(ListenSocket)
        _ = WSACleanup()
        return 1
    }

    rc = listen(ListenSocket, 1)
    if rc == SOCKET_ERROR {
        print("listen failed with error: \(WSAGetLastError())")
        freeaddrinfo(result)
        _ = closesocket(ListenSocket)
        _ = WSACleanup()
        return 1
    }
    // Accept an incoming connection request
    AcceptSocket = accept(ListenSocket, nil, nil)
    if AcceptSocket == INVALID_SOCKET {
        print("accept failed with error: \(WSAGetLastError())")
        freeaddrinfo(result)
        _ = closesocket(ListenSocket)
        _ = WSACleanup()
        return 1
    }

    print("Client Accepted...")

    // Make sure the SendOverlapped struct is zeroed out
    SendOverlapped.initialize(to: WSAOVERLAPPED())

    // Create an event handle and setup the overlapped structure.
    SendOverlapped.pointee.hEvent = WSACreateEvent()
    if SendOverlapped.pointee.hEvent == nil {
        print("WSACreateEvent failed with error: \(WSAGetLastError())")
        freeaddrinfo(result)
        _ = closesocket(ListenSocket)
        _ = closesocket(AcceptSocket)
        _ = WSACleanup()
        return 1
    }

    DataBuf.len = DWORD(DATA_BUFSIZE)
    DataBuf.buf = buffer

    for _ in 0..<SEND_COUNT {

        rc = WSASend(AcceptSocket, &DataBuf, 1, &SendBytes, 0, SendOverlapped, nil)
        if rc == SOCKET_ERROR {
            err = WSAGetLastError()
        }
        if rc == SOCKET_ERROR && WSA_IO_PENDING != err {
            print("WSASend failed with error: \(err)")
            break
        }

        let wait = WSAWaitForMultipleEvents(1, &SendOverlapped.pointee.hEvent, TRUE, INFINITE, TRUE)
        if wait == WSA_WAIT_FAILED {
            print("WSAWaitForMultipleEvents failed with error: \(WSAGetLastError())")
            break
        }

        rc = WSAGetOverlappedResult(AcceptSocket, SendOverlapped, &SendBytes, FALSE, &Flags)
        if rc == FALSE {
            print("WSASend failed with error: \(WSAGetLastError())")
            break
        }

        print("Wrote \(SendBytes) bytes")

        _ = WSAResetEvent(SendOverlapped.pointee.hEvent)

    }

    _ = WSACloseEvent(SendOverlapped.pointee.hEvent)
    _ = closesocket(AcceptSocket)
    _ = closesocket(ListenSocket)
    freeaddrinfo(result)

    _ = WSACleanup()

    SendOverlapped.deallocate()
    buffer.deallocate()
    return 0
}

exit(main())
