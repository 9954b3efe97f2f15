import Testing
import Winsock

/// The fixed Win32-shaped surface: constants with their Windows values and the C structs' layouts.
@Suite("The Win32-shaped constants and structs")
struct ConstantsTests {
    @Test("flags, shutdown modes and socket options carry Windows' values")
    func windowsValues() {
        #expect(MSG_OOB == 0x1)
        #expect(MSG_DONTROUTE == 0x4)
        #expect(MSG_PARTIAL == 0x8000)
        #expect((SD_RECEIVE, SD_SEND, SD_BOTH) == (0, 1, 2))
        #expect(SOL_SOCKET == 0xFFFF)
        #expect(SO_LINGER == 0x80)
        #expect(SO_OOBINLINE == 0x100)
        #expect(SO_SNDBUF == 0x1001)
        #expect(SO_RCVBUF == 0x1002)
        #expect(SO_SNDTIMEO == 0x1005)
        #expect(SO_RCVTIMEO == 0x1006)
        #expect(SO_ERROR == 0x1007)
        #expect(SO_TYPE == 0x1008)
        #expect(SO_MAX_MSG_SIZE == 0x2003)
        #expect(FIONBIO == Int32(bitPattern: 0x8004_667E))
        #expect(SIO_FLUSH == 0x2800_0004)
        #expect(WSA_FLAG_OVERLAPPED == 0x01)
        #expect(INVALID_SOCKET == ~SOCKET(0))
        #expect(SOCKET_ERROR == -1)
        #expect((TRUE, FALSE) == (1, 0))
    }

    @Test("wait results and timeouts carry Windows' values")
    func waitValues() {
        #expect(WSA_WAIT_EVENT_0 == 0)
        #expect(WSA_WAIT_IO_COMPLETION == 0xC0)
        #expect(WAIT_IO_COMPLETION == 0xC0)
        #expect(WSA_WAIT_TIMEOUT == 0x102)
        #expect(WSA_WAIT_FAILED == 0xFFFF_FFFF)
        #expect(WSA_INFINITE == 0xFFFF_FFFF)
        #expect(WSA_MAXIMUM_WAIT_EVENTS == 64)
    }

    @Test("MAKEWORD packs the major version in the low byte")
    func makeword() {
        #expect(MAKEWORD(2, 2) == 0x0202)
        #expect(MAKEWORD(1, 0) == 0x0001)
        #expect(MAKEWORD(2, 3) == 0x0302)
        #expect(LOBYTE(0x0302) == 2)
        #expect(HIBYTE(0x0302) == 3)
    }

    @Test("the address names a port uses come with `import Winsock`: ADDRESS_FAMILY, INADDR_*")
    func addressNames() {
        #expect(MemoryLayout<ADDRESS_FAMILY>.size == 2)
        #expect(INADDR_LOOPBACK == 0x7F00_0001)
        #expect(INADDR_ANY == 0)
        var address = sockaddr_in()
        address.sin_family = ADDRESS_FAMILY(AF_INET)
        address.sin_port = htons(27015)
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK)
        #expect(address.sin_port == in_port_t(27015).bigEndian)
    }

    @Test("WSABUF, WSAOVERLAPPED and WSADATA have winsock2.h's 64-bit layouts")
    func structLayouts() {
        #expect(MemoryLayout<WSABUF>.size == 16)
        #expect(MemoryLayout<WSABUF>.offset(of: \WSABUF.len) == 0)
        #expect(MemoryLayout<WSABUF>.offset(of: \WSABUF.buf) == 8)
        #expect(MemoryLayout<WSAOVERLAPPED>.size == 32)
        #expect(MemoryLayout<WSAOVERLAPPED>.offset(of: \WSAOVERLAPPED.Offset) == 16)
        #expect(MemoryLayout<WSAOVERLAPPED>.offset(of: \WSAOVERLAPPED.hEvent) == 24)
        #expect(MemoryLayout<WSADATA>.size == 408)
        #expect(MemoryLayout<WSADATA>.offset(of: \WSADATA.wHighVersion) == 2)
        #expect(MemoryLayout<WSADATA>.offset(of: \WSADATA.lpVendorInfo) == 8)
        #expect(MemoryLayout<WSADATA>.offset(of: \WSADATA.szDescription) == 16)
        #expect(MemoryLayout<WSADATA>.offset(of: \WSADATA.szSystemStatus) == 273)
        #expect(MemoryLayout<LINGER>.size == 4)
    }
}
