import Winsock

/// One overlapped call a connection can have in flight: its WSAOVERLAPPED, its own copy of the buffer
/// set's WSABUF array, and what the report needs to know about it.
///
/// The WSAOVERLAPPED and the WSABUF array live on the heap for the slot's whole life: the system writes
/// the former and reads the data behind the latter after WSASend has returned ("The lpOverlapped
/// parameter must be valid for the duration of the overlapped operation"). They share one heap block, the
/// array right after the WSAOVERLAPPED: two blocks cost each connection of a 10,000-connection run a
/// malloc chunk more.
final class OverlappedSlot {
    let overlapped: UnsafeMutablePointer<WSAOVERLAPPED>
    let buffers: UnsafeMutableBufferPointer<WSABUF>
    /// The bytes of a `--file` set (each slot in flight needs its own); nil with the pattern.
    let fileBuffers: PayloadBuffers?
    unowned(unsafe) let connection: OverlappedConnection

    /// The state of the call the slot carries.
    enum State { case free, inFlight, completed }
    // Only the driving thread (and its completion routines) touch a slot: no exclusivity checks.
    // The one-byte fields come last, after `status`, so that no padding falls between the fields: one of
    // these a connection, and a few bytes over a malloc size class cost the next class's 16.
    /// When the call was posted, when WSASend returned, and when the driver learnt of its completion, in
    /// `LatencyClock` readings.
    @exclusivity(unchecked) var postedAt: UInt64 = 0
    @exclusivity(unchecked) var returnedAt: UInt64 = 0
    @exclusivity(unchecked) var completedAt: UInt64 = 0
    /// With `--rate`, when the schedule meant the set to start (monotonic nanoseconds).
    @exclusivity(unchecked) var intendedAt: UInt64 = 0
    /// What the completion reported: the bytes sent and a WSA code (0 for success).
    @exclusivity(unchecked) var bytes: UInt64 = 0
    @exclusivity(unchecked) var status: Int32 = 0
    @exclusivity(unchecked) var state = State.free
    /// WSASend's own return: true when the call completed immediately.
    @exclusivity(unchecked) var immediate = false

    /// The call's latency in clock units: an immediate completion took the call's own time (the driver may
    /// collect it much later, after serving other connections); a pending one ran from the post to the
    /// completion.
    var latency: UInt64 { (immediate ? returnedAt : completedAt) &- postedAt }

    init?(template: UnsafeMutableBufferPointer<WSABUF>, fileSpec: BufferSpec?, connection: OverlappedConnection) {
        self.connection = connection
        let count = max(template.count, 1)
        let arrayOffset = MemoryLayout<WSAOVERLAPPED>.stride
        let block = UnsafeMutableRawPointer.allocate(
            byteCount: arrayOffset + count * MemoryLayout<WSABUF>.stride,
            alignment: max(MemoryLayout<WSAOVERLAPPED>.alignment, MemoryLayout<WSABUF>.alignment))
        overlapped = block.bindMemory(to: WSAOVERLAPPED.self, capacity: 1)
        overlapped.initialize(to: WSAOVERLAPPED())
        buffers = UnsafeMutableBufferPointer(
            start: (block + arrayOffset).bindMemory(to: WSABUF.self, capacity: count), count: count)
        if let fileSpec {
            guard let own = PayloadBuffers(spec: fileSpec, pattern: false) else {
                block.deallocate()
                return nil
            }
            fileBuffers = own
        } else {
            fileBuffers = nil
        }
        let source = fileBuffers?.template ?? template
        for index in 0..<source.count { (buffers.baseAddress! + index).initialize(to: source[index]) }
    }

    /// One deallocation frees both: the WSABUF array is in the WSAOVERLAPPED's block.
    deinit { UnsafeMutableRawPointer(overlapped).deallocate() }

    /// The value routine mode puts in `hEvent`: the slot itself, which the routine reads back.
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
