import Testing
import Winsock

@testable import WSASendTool

/// The made connections keep their sockets in one array for the driver, and each one's report index
/// beside them only once an attempt failed; either way every socket pairs with its own attempt's index.
@Suite("The made connections of a run")
struct MadeConnectionsTests {
    /// Attempts 0..<count, those in `failing` without a socket (attempt i's socket is 100 + i).
    static func made(count: Int, failing: Set<Int>) -> (MadeConnections, SendReport) {
        var report = SendReport(plan: RunPlan(endpoint: .connect(Target(host: "127.0.0.1", port: 9000))))
        var made = MadeConnections(expected: count)
        for index in 0..<count {
            let socket = failing.contains(index) ? nil : SOCKET(100 + index)
            let attempt = ConnectionAttempt(
                index: index, handle: socket, local: nil, remote: nil, connectNanoseconds: 1,
                error: socket == nil ? WSAECONNREFUSED : nil)
            made.add(attempt, to: &report)
        }
        return (made, report)
    }

    @Test(
        "each made connection's socket pairs with its own report index, whichever attempts failed",
        arguments: [Set<Int>(), [0], [3], [9], [2, 3, 7], Set(0..<10)])
    func indexesFollowTheSockets(failing: Set<Int>) {
        let (made, report) = Self.made(count: 10, failing: failing)
        let expected = (0..<10).filter { !failing.contains($0) }
        #expect(made.handles == expected.map { SOCKET(100 + $0) })
        #expect(made.open.map(\.index) == expected)
        #expect(made.open.map(\.handle) == made.handles)
        #expect(report.connections.count == 10)
        for (index, handle) in made.open {
            #expect(!report.connections[index].connectFailed && handle == SOCKET(100 + index))
        }
    }
}
