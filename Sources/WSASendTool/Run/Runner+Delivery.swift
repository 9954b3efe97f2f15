import Winsock

extension Runner {
    /// After the last call of a TCP run and before its sockets close: the drain, when `--drain` asked for
    /// it, then each connection's `TCPView`. The view is read after the drain so that its unacknowledged
    /// bytes are the ones the run ended with.
    func observeDelivery(_ made: MadeConnections, into report: inout SendReport) {
        guard plan.transport == .tcp else { return }
        if let timeout = plan.drainTimeout {
            report.drain = Drain.wait(for: made.handles, timeout: timeout, control: control)
        }
        for (index, handle) in made.open { report.connections[index].tcp = KernelTCP.view(of: handle) }
    }
}
