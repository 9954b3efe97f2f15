import Testing
import Winsock

@Test func smoke() throws {
    let session = try WinsockSession()
    _ = session
    let listener = try Socket(family: AF_INET, type: SOCK_STREAM)
    try listener.bind(to: SocketAddress(numericHost: "127.0.0.1", port: 0)!)
    try listener.listen()
    let client = try Socket.connect(to: [listener.localAddress!])
    let (server, _) = try listener.accept()
    var bytes = [UInt8](repeating: 7, count: 4 * 4096)
    let sent = try bytes.withUnsafeMutableBytes { raw in
        var buffers = (0..<4).map { WSABUF(len: 4096, buf: raw.baseAddress!.assumingMemoryBound(to: CChar.self) + $0 * 4096) }
        return try buffers.withUnsafeMutableBufferPointer { try client.send($0) }
    }
    #expect(sent == 16384)
    var received = 0
    var buffer = [UInt8](repeating: 0, count: 65536)
    while received < 16384 {
        let n = try buffer.withUnsafeMutableBytes { try server.receive(into: $0) }
        received += n
    }
    #expect(received == 16384)
    bytes[0] = 1
}
