import CEpoll
import Glibc
import Winsock

/// The TCP sink's connections, all on one thread: an epoll set holds the listener and every open
/// connection; each connection with data is read until it has no more (or its turn is over), and each
/// waiting connection is accepted.
///
/// Why not a thread per connection: 10,000 connections were 10,000 threads, each waking every 100 ms to
/// look at the sink's stop, and the sink fell behind accepting. Why epoll and not WSAPoll: a poll of every
/// socket costs the kernel (and WSAPoll's table) time in proportion to the sockets, at every wake-up; with
/// 3,000 connections that was most of the sink's time, its accept queue overflowed, and senders waited
/// seconds for SYN retransmissions. epoll watches the sockets' Linux descriptors (`linuxDescriptor(of:)`),
/// and answers with the ready ones only; reading and accepting stay the library's calls. On loopback the
/// sender's core writes no faster than this one thread reads; to read busy connections on more cores, run
/// more sinks.
struct SinkConnections {
    let listener: SOCKET
    let server: SinkServer
    private let poller: Int32
    private let listenerDescriptor: Int32

    /// recv calls one connection may make per turn before the others have theirs: 16 x 256 KiB.
    static let turn = 16
    /// Ready sockets taken from one epoll_wait.
    static let eventsPerWait = 256
    /// The epoll key of the listener; a connection's key is its place in `open`.
    private static let listenerKey = UInt64.max

    /// One open connection: its reader, its report, and the descriptor its epoll entry watches.
    private struct Open {
        var receiver: SinkReceiver
        var report: SinkConnectionReport
        let descriptor: Int32

        /// One turn of reading.
        mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> SinkReceiver.Step {
            receiver.receiveAvailable(into: &report, buffer: buffer, limit: SinkConnections.turn)
        }
    }

    /// Nil when no epoll set can be made (out of descriptors): the sink then serves one connection at a
    /// time.
    init?(listener: SOCKET, server: SinkServer) {
        guard let descriptor = linuxDescriptor(of: listener) else { return nil }
        let poller = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard poller >= 0 else { return nil }
        guard Self.watch(descriptor, key: Self.listenerKey, in: poller) else {
            close(poller)
            return nil
        }
        self.listener = listener
        self.server = server
        self.poller = poller
        self.listenerDescriptor = descriptor
    }

    private static func watch(_ descriptor: Int32, key: UInt64, in poller: Int32) -> Bool {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLPRI.rawValue | EPOLLRDHUP.rawValue
        event.data.u64 = key
        return epoll_ctl(poller, EPOLL_CTL_ADD, descriptor, &event) == 0
    }

    /// Serves until the sink stops, then closes the epoll set.
    func serve() {
        defer { close(poller) }
        let control = server.control
        let idle = server.idle
        // Accepted from until none is waiting, so the listener must not block.
        _ = SocketOptions.setNonBlocking(listener, true)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: SinkReceiver.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Self.eventsPerWait)
        defer { events.deallocate() }
        var open: [Open?] = []
        var freePlaces: [Int] = []
        var index = 0
        while !control.isStopping {
            let ready = epoll_wait(poller, events, Int32(Self.eventsPerWait), SocketOptions.waitSlice)
            guard ready > 0 else {
                // Nothing ready on any connection or the listener for a whole slice.
                if ready == 0 { idle.nothingReady() }
                continue
            }
            for event in UnsafeBufferPointer(start: events, count: Int(ready)) {
                let key = event.data.u64
                if key == Self.listenerKey {
                    while case .accepted(let handle, var report) = server.accept(on: listener, index: index) {
                        index += 1
                        let receiver = SinkReceiver(handle: handle, transport: .tcp, server: server, output: nil)
                        let place = freePlaces.popLast() ?? open.count
                        guard receiver.prepare(&report), let descriptor = linuxDescriptor(of: handle),
                            Self.watch(descriptor, key: UInt64(place), in: poller)
                        else {
                            if place < open.count { freePlaces.append(place) }
                            server.finish(report, handle: handle)
                            continue
                        }
                        let connection = Open(receiver: receiver, report: report, descriptor: descriptor)
                        if place == open.count { open.append(connection) } else { open[place] = connection }
                    }
                    continue
                }
                // A connection that ended earlier in this batch has no place any more (or a newer one).
                let place = Int(key)
                guard place < open.count, open[place] != nil else { continue }
                guard case .waiting = open[place]!.read(into: buffer) else {
                    let ended = open[place]!
                    epoll_ctl(poller, EPOLL_CTL_DEL, ended.descriptor, nil)
                    server.finish(ended.report, handle: ended.receiver.handle)
                    open[place] = nil
                    freePlaces.append(place)
                    continue
                }
            }
        }
        for case let connection? in open { server.finish(connection.report, handle: connection.receiver.handle) }
    }
}
