import Glibc
import Testing
import WSASendTool
import Winsock

@Suite("Typed failures")
struct ToolFailureTests {
    static let cases: [(ToolFailure, WSASendTool.ExitStatus, String, Int32?)] = [
        (.startup(WSAError(WSASYSNOTREADY)), .software, "WSAStartup failed: WSASYSNOTREADY (10091)", WSASYSNOTREADY),
        (.noDriver(.event), .usage, "--mode event has no driver", nil),
        (
            .unreadableInput(path: "x.bin", errno: ENOENT), .noInput, "cannot read 'x.bin': No such file or directory",
            nil
        ),
        (.buffersUnavailable(bytes: 4096), .software, "cannot allocate 4096 bytes for the buffers", nil),
        (.overlappedBuffersUnavailable(calls: 8), .software, "cannot allocate the buffers of 8 calls", nil),
        (.threadUnavailable(connection: 3), .software, "cannot start a thread for connection 3", nil),
        (
            .unresolvedHost("nowhere.invalid", WSAError(WSAHOST_NOT_FOUND)), .noHost,
            "cannot resolve 'nowhere.invalid': WSAHOST_NOT_FOUND (11001): Host not found.", WSAHOST_NOT_FOUND
        ),
        (.interrupted, .interrupted, "interrupted", nil),
        (
            .unwritableOutput(path: "out", errno: ENOSPC), .failure,
            "cannot write the output file 'out': No space left on device", nil
        ),
    ]

    @Test("Each kind of failure has one exit status and one sentence", arguments: cases)
    func sentence(failure: ToolFailure, status: WSASendTool.ExitStatus, message: String, code: Int32?) {
        #expect(failure.status == status)
        #expect(failure.message == message)
        #expect(failure.code == code)
    }
}
