/// The handle caches of a thread: the socket it looked up last (retained) and its recently used event
/// handles, so that the per-call lookups take no lock.
struct HandleCaches: ThreadContextPart {
    let unmanagedContext: Unmanaged<ThreadContext>

    /// The event of a handle, without a retain, from this thread's cache of recently used event handles
    /// (see `EventCache`): the per-call event lookup takes no lock. Use it before looking up another.
    @inline(__always)
    func event(_ handle: UInt) -> Unmanaged<EventObject>? {
        eventForOperation(handle)?.event
    }

    /// The event of a handle for an overlapped send, and whether the cache keeps it alive until the send's
    /// record is back in this thread's pool (`inSlot`); when not, the operation must retain it.
    @inline(__always)
    func eventForOperation(_ handle: UInt) -> (event: Unmanaged<EventObject>, inSlot: Bool)? {
        withContext { context in
            if let event = context.events.lookupInSlot(handle) { return (event, true) }
            // A slot's event may go only when no operation of this thread could still be using it.
            return context.events.lookupMissed(handle, mayReplace: !context.operationPool.hasPendingAcquiring)
        }
    }

    /// The open socket of a handle: the last one looked up on this thread, or the table's (then
    /// remembered). A closed socket in the cache is never handed out.
    @inline(__always)
    func lookupSocket(_ handle: SOCKET) -> SocketRecord? {
        withContext { context in
            if context.cachedHandle == handle, let cached = context.cachedRecord,
                !cached._withUnsafeGuaranteedRef({ $0.closed.load(ordering: .acquiring) })
            {
                return cached.takeUnretainedValue()
            }
            guard let record = Library.sockets.lookup(handle) else { return nil }
            context.cachedRecord?.release()
            context.cachedRecord = .passRetained(record)
            context.cachedHandle = handle
            return record
        }
    }

    /// `lookupSocket` without a retain for the caller: the record stays alive as long as it stays in
    /// this cache, that is, until this thread looks up another handle. Winsock code makes no other
    /// lookup inside a call, and the completion routines that may (run in an alertable wait) run with
    /// the cached record pinned (`pinCachedSocket`).
    @inline(__always)
    func lookupSocketUnretained(_ handle: SOCKET) -> Unmanaged<SocketRecord>? {
        withContext { context in
            if context.cachedHandle == handle, let cached = context.cachedRecord,
                !cached._withUnsafeGuaranteedRef({ $0.closed.load(ordering: .acquiring) })
            {
                return cached
            }
            guard let record = Library.sockets.lookup(handle) else { return nil }
            let retained = Unmanaged.passRetained(record)
            context.cachedRecord?.release()
            context.cachedRecord = retained
            context.cachedHandle = handle
            return retained
        }
    }

    /// The open socket of a handle for a call that holds it only while it runs (WSAPoll): this thread's
    /// cached socket when it is that one, else the table's, which then does not replace the cached one
    /// (a poll of many sockets would otherwise churn the cache through all of them).
    @inline(__always)
    func peekSocket(_ handle: SOCKET) -> SocketRecord? {
        withContext { context in
            if context.cachedHandle == handle, let cached = context.cachedRecord,
                !cached._withUnsafeGuaranteedRef({ $0.closed.load(ordering: .acquiring) })
            {
                return cached.takeUnretainedValue()
            }
            return Library.sockets.lookup(handle)
        }
    }

    /// Makes a socket just created on this thread the cached one: the calls that set it up next (bind,
    /// ioctlsocket, connect) then find it without a table lookup.
    @inline(__always)
    func remember(_ record: SocketRecord) {
        withContext { context in
            let retained = Unmanaged.passRetained(record)
            context.cachedRecord?.release()
            context.cachedRecord = retained
            context.cachedHandle = record.handle
        }
    }

    /// Retains the cached socket for the caller (nil when there is none), so that a call using it
    /// unretained survives completion routines that evict it from the cache.
    func pinCachedSocket() -> Unmanaged<SocketRecord>? {
        withContext { $0.cachedRecord?.retain() }
    }
}

extension ThreadContext {
    /// This thread's handle caches.
    @inline(__always)
    var handleCaches: HandleCaches { HandleCaches(unmanagedContext: .passUnretained(self)) }
}
