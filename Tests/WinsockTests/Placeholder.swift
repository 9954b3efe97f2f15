import Testing
import Winsock

@Test func shadowing() {
    var data = WSADATA()
    #expect(WSAStartup(MAKEWORD(2, 2), &data) == 0)
    let s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
    #expect(s != INVALID_SOCKET)
    let flags = MSG_OOB
    #expect(flags == 1)
    var hints = addrinfo()
    hints.ai_socktype = SOCK_STREAM
    hints.ai_family = AF_INET
    hints.ai_flags = AI_PASSIVE
    var result: UnsafeMutablePointer<addrinfo>?
    #expect(getaddrinfo(nil, "27015", &hints, &result) == 0)
    freeaddrinfo(result)
    #expect(closesocket(s) == 0)
    _ = WSACleanup()
}
