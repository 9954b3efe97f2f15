// Every Winsock error code with its Windows number. `WSAError` (Errors/) gives each a name and meaning.

// MARK: Overlapped and wait codes (Win32 error numbers)

public let WSA_INVALID_HANDLE: Int32 = 6
public let WSA_NOT_ENOUGH_MEMORY: Int32 = 8
public let WSA_INVALID_PARAMETER: Int32 = 87
public let WSA_OPERATION_ABORTED: Int32 = 995
public let WSA_IO_INCOMPLETE: Int32 = 996
public let WSA_IO_PENDING: Int32 = 997

// MARK: WSAE* codes

public let WSAEINTR: Int32 = 10004
public let WSAEBADF: Int32 = 10009
public let WSAEACCES: Int32 = 10013
public let WSAEFAULT: Int32 = 10014
public let WSAEINVAL: Int32 = 10022
public let WSAEMFILE: Int32 = 10024
public let WSAEWOULDBLOCK: Int32 = 10035
public let WSAEINPROGRESS: Int32 = 10036
public let WSAEALREADY: Int32 = 10037
public let WSAENOTSOCK: Int32 = 10038
public let WSAEDESTADDRREQ: Int32 = 10039
public let WSAEMSGSIZE: Int32 = 10040
public let WSAEPROTOTYPE: Int32 = 10041
public let WSAENOPROTOOPT: Int32 = 10042
public let WSAEPROTONOSUPPORT: Int32 = 10043
public let WSAESOCKTNOSUPPORT: Int32 = 10044
public let WSAEOPNOTSUPP: Int32 = 10045
public let WSAEPFNOSUPPORT: Int32 = 10046
public let WSAEAFNOSUPPORT: Int32 = 10047
public let WSAEADDRINUSE: Int32 = 10048
public let WSAEADDRNOTAVAIL: Int32 = 10049
public let WSAENETDOWN: Int32 = 10050
public let WSAENETUNREACH: Int32 = 10051
public let WSAENETRESET: Int32 = 10052
public let WSAECONNABORTED: Int32 = 10053
public let WSAECONNRESET: Int32 = 10054
public let WSAENOBUFS: Int32 = 10055
public let WSAEISCONN: Int32 = 10056
public let WSAENOTCONN: Int32 = 10057
public let WSAESHUTDOWN: Int32 = 10058
public let WSAETOOMANYREFS: Int32 = 10059
public let WSAETIMEDOUT: Int32 = 10060
public let WSAECONNREFUSED: Int32 = 10061
public let WSAELOOP: Int32 = 10062
public let WSAENAMETOOLONG: Int32 = 10063
public let WSAEHOSTDOWN: Int32 = 10064
public let WSAEHOSTUNREACH: Int32 = 10065
public let WSAENOTEMPTY: Int32 = 10066
public let WSAEPROCLIM: Int32 = 10067
public let WSAEUSERS: Int32 = 10068
public let WSAEDQUOT: Int32 = 10069
public let WSAESTALE: Int32 = 10070
public let WSAEREMOTE: Int32 = 10071
public let WSASYSNOTREADY: Int32 = 10091
public let WSAVERNOTSUPPORTED: Int32 = 10092
public let WSANOTINITIALISED: Int32 = 10093
public let WSAEDISCON: Int32 = 10101
public let WSAENOMORE: Int32 = 10102
public let WSAECANCELLED: Int32 = 10103
public let WSAEINVALIDPROCTABLE: Int32 = 10104
public let WSAEINVALIDPROVIDER: Int32 = 10105
public let WSAEPROVIDERFAILEDINIT: Int32 = 10106
public let WSASYSCALLFAILURE: Int32 = 10107
public let WSASERVICE_NOT_FOUND: Int32 = 10108
public let WSATYPE_NOT_FOUND: Int32 = 10109
public let WSA_E_NO_MORE: Int32 = 10110
public let WSA_E_CANCELLED: Int32 = 10111
public let WSAEREFUSED: Int32 = 10112
public let WSAHOST_NOT_FOUND: Int32 = 11001
public let WSATRY_AGAIN: Int32 = 11002
public let WSANO_RECOVERY: Int32 = 11003
public let WSANO_DATA: Int32 = 11004
