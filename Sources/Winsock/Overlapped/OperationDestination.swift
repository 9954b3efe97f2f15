extension OverlappedOperation {
    /// Copies a WSASendTo datagram's address into the operation (nil: the connected peer). The copy lives
    /// as long as the operation, so the sendmsg that carries it (io_uring reads it after the submitting
    /// call) never points into the caller's memory.
    func setDestination(_ address: UnsafePointer<SendDestination>?) {
        guard let address else { return }
        destination.pointee = address.pointee
        hasDestination = true
    }

    /// The address the operation's datagram goes to, or nil for the connected peer.
    var destinationAddress: UnsafePointer<SendDestination>? {
        hasDestination ? UnsafePointer(destination) : nil
    }
}
