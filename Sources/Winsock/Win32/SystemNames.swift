// The system names a Winsock program uses beside winsock2.h's (ws2tcpip.h's getaddrinfo and the
// sockaddr structs), re-exported so that `import Winsock` alone is enough for a port. A file that also
// imports Glibc sees two `socket`s, `connect`s, ...: qualify the Winsock ones (`Winsock.socket(...)`).
@_exported import var Glibc.AI_NUMERICHOST
@_exported import var Glibc.AI_NUMERICSERV
@_exported import var Glibc.AI_PASSIVE
@_exported import var Glibc.INADDR_ANY
@_exported import var Glibc.INADDR_LOOPBACK
@_exported import struct Glibc.addrinfo
@_exported import func Glibc.freeaddrinfo
@_exported import func Glibc.gai_strerror
@_exported import func Glibc.getaddrinfo
@_exported import func Glibc.getnameinfo
@_exported import func Glibc.htonl
@_exported import func Glibc.htons
@_exported import struct Glibc.in6_addr
@_exported import struct Glibc.in_addr
@_exported import typealias Glibc.in_port_t
@_exported import func Glibc.inet_ntop
@_exported import func Glibc.inet_pton
@_exported import func Glibc.ntohl
@_exported import func Glibc.ntohs
@_exported import typealias Glibc.sa_family_t
@_exported import struct Glibc.sockaddr
@_exported import struct Glibc.sockaddr_in
@_exported import struct Glibc.sockaddr_in6
@_exported import struct Glibc.sockaddr_storage
@_exported import typealias Glibc.socklen_t
