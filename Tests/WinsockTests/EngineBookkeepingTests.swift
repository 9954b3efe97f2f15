import Testing

@testable import Winsock

/// The engine's gathering of queued sends into one sendmsg and its completion by byte count, as pure
/// bookkeeping with scripted kernel answers and no socket.
@Suite("Engine bookkeeping with scripted answers")
struct EngineBookkeepingTests {
    /// A record over no descriptor: the bookkeeping never touches it.
    static func record(stream: Bool) -> SocketRecord {
        SocketRecord(
            handle: 1, fd: -1, family: AF_INET, type: stream ? SOCK_STREAM : SOCK_DGRAM, proto: 0, overlapped: true)
    }

    final class Buffers {
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: 1 << 20)
        deinit { storage.deallocate() }

        /// An operation whose buffers have these lengths (consecutive slices of the storage).
        func operation(_ lengths: [Int], flags: Int32 = 0, stream: Bool = true) -> OperationRef {
            var offset = 0
            var wsabufs: [WSABUF] = lengths.map { length in
                defer { offset += length }
                return WSABUF(len: DWORD(length), buf: storage + offset)
            }
            let operation = ThreadContext.current.operationPool.take()
            operation.with { operation in
                operation.linuxFlags = flags
                wsabufs.withUnsafeMutableBufferPointer {
                    operation.capture($0.baseAddress, count: $0.count, datagram: !stream)
                }
            }
            return operation
        }
    }

    func batchLengths(_ socket: EngineSocket) -> [Int] {
        (0..<socket.message.pointee.msg_iovlen).map { socket.batch.iov[$0].iov_len }
    }

    @Test("queued stream sends are gathered into one sendmsg and completed one by one by byte count")
    func gatherAndDistribute() {
        let buffers = Buffers()
        let socket = EngineSocket(record: Self.record(stream: true), batch: SendBatch())
        let operations = [buffers.operation([10]), buffers.operation([20, 0, 4]), buffers.operation([5])]
        operations.forEach { socket.operations.append($0) }
        #expect(socket.batch.prepare(stream: socket.record.isStream, limit: 1024))
        #expect(batchLengths(socket) == [10, 20, 4, 5], "empty buffers are left out")
        var finished: [OperationRef] = []
        // The kernel takes 15 bytes: the first send is done, the second has 5 of 24.
        socket.batch.distribute(15) { finished.append($0) }
        #expect(finished == [operations[0]])
        #expect(operations[1].with { $0.sent } == 5)
        #expect(socket.batch.prepare(stream: socket.record.isStream, limit: 1024))
        #expect(batchLengths(socket) == [15, 4, 5], "the next sendmsg starts at the first unsent byte")
        socket.batch.distribute(24) { finished.append($0) }
        #expect(finished == operations)
        #expect(socket.operations.isEmpty)
    }

    @Test(
        "a write that completes several stream sends marks the socket's sends as coming in bursts, one of one clears it"
    )
    func burstsMarked() {
        let buffers = Buffers()
        let record = Self.record(stream: true)
        let batch = SendBatch()
        func queue(_ lengths: [Int]) {
            let operation = buffers.operation(lengths)
            operation.with { operation in
                operation.record = record
                operation.setIssuer(ThreadContext.current)
            }
            batch.operations.append(operation)
        }
        queue([10])
        queue([20])
        #expect(batch.prepare(stream: true, limit: 1024))
        _ = batch.absorb(30, record: record, issuer: ThreadContext.current)
        let afterTwo = record.sendsComeInBursts.load(ordering: .relaxed)
        #expect(afterTwo)
        queue([7])
        #expect(batch.prepare(stream: true, limit: 1024))
        _ = batch.absorb(7, record: record, issuer: ThreadContext.current)
        let afterOne = record.sendsComeInBursts.load(ordering: .relaxed)
        #expect(!afterOne)
    }

    @Test("a gathered sendmsg holds at most IOV_MAX iovecs, and sends with other flags wait for the next")
    func limitsOfOneBatch() {
        let buffers = Buffers()
        let socket = EngineSocket(record: Self.record(stream: true), batch: SendBatch())
        let big = buffers.operation(Array(repeating: 2, count: 1500))
        let oob = buffers.operation([1], flags: 1)
        socket.operations.append(big)
        socket.operations.append(oob)
        #expect(socket.batch.prepare(stream: socket.record.isStream, limit: 1024))
        #expect(batchLengths(socket).count == 1024)
        socket.batch.distribute(2048) { _ in Issue.record("nothing is finished yet") }
        #expect(socket.batch.prepare(stream: socket.record.isStream, limit: 1024))
        #expect(batchLengths(socket).count == 476, "the rest of the big send, without the MSG_OOB one")
        var finished = 0
        socket.batch.distribute(952) { _ in finished += 1 }
        #expect(finished == 1)
        #expect(socket.batch.prepare(stream: socket.record.isStream, limit: 1024))
        #expect(batchLengths(socket) == [1])
    }

    @Test("a datagram socket sends one operation per sendmsg")
    func datagramOnePerBatch() {
        let buffers = Buffers()
        let socket = EngineSocket(record: Self.record(stream: false), batch: SendBatch())
        socket.operations.append(buffers.operation([3, 4], stream: false))
        socket.operations.append(buffers.operation([9], stream: false))
        #expect(socket.batch.prepare(stream: socket.record.isStream, limit: 1024))
        #expect(batchLengths(socket) == [3, 4])
    }

    @Test("a partial answer inside one buffer resumes at the exact byte", arguments: [1, 7, 9, 10, 11, 29])
    func partialInsideBuffer(taken: Int) {
        let buffers = Buffers()
        let socket = EngineSocket(record: Self.record(stream: true), batch: SendBatch())
        let operation = buffers.operation([10, 20])
        socket.operations.append(operation)
        _ = socket.batch.prepare(stream: socket.record.isStream, limit: 1024)
        socket.batch.distribute(taken) { _ in Issue.record("not finished") }
        _ = socket.batch.prepare(stream: socket.record.isStream, limit: 1024)
        let expected = taken < 10 ? [10 - taken, 20] : [30 - taken]
        #expect(batchLengths(socket) == expected)
        #expect(socket.batch.iov[0].iov_base == UnsafeMutableRawPointer(buffers.storage + taken))
    }

    @Test("cancelled operations leave the queue wherever they stand")
    func cancelledLeave() {
        let buffers = Buffers()
        let socket = EngineSocket(record: Self.record(stream: true), batch: SendBatch())
        let operations = (0..<4).map { _ in buffers.operation([8]) }
        operations.forEach { socket.operations.append($0) }
        operations[1].with { $0.cancelStatus = WSA_OPERATION_ABORTED }
        operations[3].with { $0.cancelStatus = WSA_OPERATION_ABORTED }
        let removed = socket.batch.removeCancelled()
        #expect(removed == [operations[1], operations[3]])
        #expect(socket.operations.count == 2)
        #expect(socket.operations[0] == operations[0])
        #expect(socket.operations[1] == operations[2])
    }
}
