import Glibc
import Testing

@testable import Winsock

/// Which io_uring request carries a prepared message: one buffer to the connected peer goes as
/// IORING_OP_SEND (no msghdr or iovec array for the kernel to copy), anything else as IORING_OP_SENDMSG.
@Suite("io_uring send request for a prepared message")
struct UringSendRequestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let lengths: [Int]
        let addressed: Bool
        let send: Bool
    }

    static let cases: [Case] = [
        Case(testDescription: "one buffer, connected: send", lengths: [64], addressed: false, send: true),
        Case(testDescription: "one empty buffer, connected: send", lengths: [0], addressed: false, send: true),
        Case(testDescription: "two buffers: sendmsg", lengths: [64, 64], addressed: false, send: false),
        Case(testDescription: "no buffer: sendmsg", lengths: [], addressed: false, send: false),
        Case(testDescription: "one buffer to an address: sendmsg", lengths: [1400], addressed: true, send: false),
    ]

    @Test("The request names the message's one buffer, or is a sendmsg", arguments: cases)
    func request(_ test: Case) {
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 8)
        defer { bytes.deallocate() }
        var iovecs = test.lengths.map { iovec(iov_base: bytes, iov_len: $0) }
        var address = sockaddr_in()
        iovecs.withUnsafeMutableBufferPointer { vector in
            withUnsafeMutablePointer(to: &address) { address in
                var message = msghdr()
                message.msg_iov = vector.baseAddress
                message.msg_iovlen = vector.count
                if test.addressed {
                    message.msg_name = UnsafeMutableRawPointer(address)
                    message.msg_namelen = socklen_t(MemoryLayout<sockaddr_in>.size)
                }
                let request = UringBackend.request(for: &message)
                if test.send {
                    #expect(request == .send(UnsafeRawPointer(bytes), test.lengths[0]))
                } else {
                    #expect(request == .sendmsg)
                }
            }
        }
    }
}
