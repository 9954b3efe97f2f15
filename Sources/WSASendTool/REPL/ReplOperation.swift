import Winsock

/// One overlapped send of the session: its WSAOVERLAPPED and WSABUF array on the heap, the bytes behind
/// them, and how it ended. They must outlive the call ("the lpOverlapped parameter must be valid for the
/// duration of the overlapped operation"), so the session keeps the operation until it has seen the end:
/// the event's WSAGetOverlappedResult, or the completion routine run in an alertable wait.
final class ReplOperation {
    let id: UInt64
    let overlapped: UnsafeMutablePointer<WSAOVERLAPPED>
    let buffers: UnsafeMutableBufferPointer<WSABUF>
    /// The bytes the WSABUFs point into.
    let payload: ReplPayload
    let offered: UInt64
    let postedAt: UInt64
    /// True in event mode: hEvent is an event this operation owns.
    let ownsEvent: Bool
    /// Set by the completion routine (routine mode) or from WSAGetOverlappedResult (event mode).
    var finished = false
    /// WSASend returned 0: its bytes are counted already; a routine still comes.
    var immediate = false
    var status: Int32 = 0
    var bytes: UInt64 = 0
    /// Where the routine reports: the session that issued the call (routines run on its thread).
    unowned(unsafe) let session: ReplSession

    init(id: UInt64, lengths: [UInt32], payload: ReplPayload, routine: Bool, session: ReplSession) {
        self.id = id
        self.payload = payload
        self.session = session
        overlapped = .allocate(capacity: 1)
        overlapped.initialize(to: WSAOVERLAPPED())
        buffers = .allocate(capacity: max(lengths.count, 1))
        var offset = 0
        for (index, length) in lengths.enumerated() {
            (buffers.baseAddress! + index).initialize(
                to: WSABUF(len: length, buf: payload.bytes.baseAddress.map { $0 + offset }))
            offset += Int(length)
        }
        offered = lengths.reduce(0) { $0 + UInt64($1) }
        postedAt = MonotonicClock.now()
        ownsEvent = !routine
        overlapped.pointee.hEvent = routine ? nil : WSACreateEvent()
        if routine { overlapped.pointee.hEvent = Unmanaged.passUnretained(self).toOpaque() }
    }

    deinit {
        if ownsEvent, let event = overlapped.pointee.hEvent { _ = WSACloseEvent(event) }
        overlapped.deallocate()
        buffers.deallocate()
    }

    var count: DWORD { DWORD(max(buffers.count, 0)) }
}

/// Bytes on the heap that WSABUFs point into: the pattern of a `send N` (byte i is i % 251, as the send
/// command's), or the bytes of `send "text"`.
final class ReplPayload {
    let bytes: UnsafeMutableBufferPointer<CChar>

    init(count: Int) {
        bytes = .allocate(capacity: max(count, 1))
        for index in 0..<bytes.count { bytes[index] = CChar(truncatingIfNeeded: index % 251) }
    }

    init(_ data: [UInt8]) {
        bytes = .allocate(capacity: max(data.count, 1))
        for (index, byte) in data.enumerated() { bytes[index] = CChar(bitPattern: byte) }
    }

    deinit { bytes.deallocate() }
}

/// The completion routine of routine mode: hEvent carries the operation ("the hEvent parameter is
/// ignored and can be used by the application to pass context information to the completion routine").
/// It runs in the session's alertable wait and only records; the session prints.
let replCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE = { error, bytes, overlapped, _ in
    guard let context = overlapped?.pointee.hEvent else { return }
    let operation = Unmanaged<ReplOperation>.fromOpaque(context).takeUnretainedValue()
    operation.status = Int32(bitPattern: error)
    operation.bytes = UInt64(bytes)
    operation.finished = true
    operation.session.routinesRun.append(operation.id)
}
