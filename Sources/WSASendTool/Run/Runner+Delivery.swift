import Winsock

extension Runner {
    /// After the last call of a TCP run and before its sockets close: the drain, when `--drain` asked for
    /// it, then each connection's `TCPView`. The view is read after the drain so that its unacknowledged
    /// bytes are the ones the run ended with. `open` is labeled as `MadeConnections.open` is: given as
    /// unlabeled pairs, the whole array was converted, a copy (160 KB at 10,000 connections) made at the
    /// run's end, when its memory peaks.
    func observeDelivery(_ open: [(index: Int, handle: SOCKET)], into report: inout SendReport) {
        guard plan.transport == .tcp else { return }
        if let timeout = plan.drainTimeout {
            report.drain = Drain.wait(for: open.map(\.1), timeout: timeout, control: control)
        }
        for (index, handle) in open { report.connections[index].tcp = KernelTCP.view(of: handle) }
    }
}
