import Glibc

@testable import Winsock

// What Linux itself says about a library socket, read from its descriptor: the independent view that
// tests compare the library's Winsock answers with. Linux's own names are qualified (`Glibc.`), since
// this file sees Winsock's too.

/// The local port Linux gives the descriptor, or nil when getsockname fails.
func linuxLocalPort(ofDescriptor fd: Int32) -> UInt16? {
    var local = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let named = withUnsafeMutablePointer(to: &local) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.getsockname(fd, $0, &length) }
    }
    guard named == 0 else { return nil }
    return withUnsafeBytes(of: local) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
}

/// shutdown(2) of both directions, straight to Linux.
func linuxShutdown(descriptor fd: Int32) -> Int32 {
    Glibc.shutdown(fd, Int32(SHUT_RDWR))
}

/// Linux's value of an int option (Linux's level and name), or nil when the call fails.
func linuxIntOption(_ socket: SOCKET, level: Int32, name: Int32) -> Int32? {
    guard let fd = linuxDescriptor(of: socket) else { return nil }
    var value: Int32 = 0
    var length = socklen_t(4)
    return Glibc.getsockopt(fd, level, name, &value, &length) == 0 ? value : nil
}

/// Sets an int option with Linux's level and name on the library socket's descriptor; true on success.
@discardableResult
func setLinuxIntOption(_ socket: SOCKET, level: Int32, name: Int32, _ value: Int32) -> Bool {
    guard let fd = linuxDescriptor(of: socket) else { return false }
    var value = value
    return Glibc.setsockopt(fd, level, name, &value, 4) == 0
}

/// True when the descriptor has O_NONBLOCK (Linux's view of the socket's mode); nil when it is gone.
func linuxIsNonBlocking(_ socket: SOCKET) -> Bool? {
    guard let fd = linuxDescriptor(of: socket) else { return nil }
    let flags = fcntl(fd, F_GETFL)
    return flags < 0 ? nil : flags & O_NONBLOCK != 0
}

/// The library's record of the socket's mode (what ioctlsocket(FIONBIO) set); nil when it is gone.
func libraryIsNonBlocking(_ socket: SOCKET) -> Bool? {
    Library.sockets.lookup(socket)?.nonBlocking.load(ordering: .relaxed)
}

/// Linux's level SOL_SOCKET (Winsock's is 0xFFFF).
let linuxSOL_SOCKET: Int32 = Glibc.SOL_SOCKET
/// Linux's SO_SNDBUF and SO_RCVBUF (Winsock's are 0x1001 and 0x1002).
let linuxSO_SNDBUF: Int32 = Glibc.SO_SNDBUF
let linuxSO_RCVBUF: Int32 = Glibc.SO_RCVBUF
/// TCP_USER_TIMEOUT (milliseconds): also bounds a connect's SYN retransmissions on Linux.
let linuxTCP_USER_TIMEOUT: Int32 = 18
