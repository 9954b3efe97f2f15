import CWinsock
import Glibc

/// One datagram of the buffers' concatenation in one system call, as both send paths make it: sendto for
/// one buffer (no iovec or msghdr to fill only to be read back: about 25 instructions a call, callgrind),
/// sendmsg for several, and more than IOV_MAX buffers copied into one, so that the datagram stays whole
/// (it is at most 64 KiB). `flags` are Linux's, MSG_DONTWAIT included where the caller may not wait.
///
/// A connected socket whose earlier datagram drew an ICMP port unreachable hears of it once, in this send;
/// with SIO_UDP_CONNRESET off that error is dropped and the datagram sent again. The bytes sent or -errno.
@inline(__always)
func transmitDatagram(
    _ record: SocketRecord, _ buffers: UnsafePointer<WSABUF>?, _ count: Int, flags: Int32, context: ThreadContext,
    to destination: UnsafePointer<SendDestination>?
) -> Int {
    if count == 1, let buffer = buffers?.pointee {
        let address = UnsafeRawPointer(destination)
        let length = destination?.pointee.length ?? 0
        var result = system_sendBuffer(
            record.fd, buffer.buf, Int(buffer.len), flags, to: address, addressLength: length)
        if result == -Int(ECONNREFUSED) && !record.reportsPortUnreachable.load(ordering: .relaxed) {
            result = system_sendBuffer(
                record.fd, buffer.buf, Int(buffer.len), flags, to: address, addressLength: length)
        }
        return result
    }
    let iov = context.sendScratch.iovecs
    var iovCount = 0
    if let buffers {
        if count <= ThreadContext.iovecCapacity {
            iovCount = SendCursor(buffers: buffers, count: count).fill(iov, limit: count).count
        } else {
            let scratch = context.sendScratch.datagramBuffer()
            let length = SendCursor(buffers: buffers, count: count).copyUnsent(to: scratch)
            iov[0] = iovec(iov_base: scratch, iov_len: length)
            iovCount = 1
        }
    }
    var message = msghdr()
    message.msg_iov = iov
    message.msg_iovlen = iovCount
    message.address(destination)
    var result = system_sendMessage(record.fd, &message, flags)
    if result == -Int(ECONNREFUSED) && !record.reportsPortUnreachable.load(ordering: .relaxed) {
        result = system_sendMessage(record.fd, &message, flags)
    }
    return result
}
