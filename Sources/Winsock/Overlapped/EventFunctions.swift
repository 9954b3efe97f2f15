/// Creates a manual-reset event object in the non-signalled state.
///
/// - Returns: The handle, or WSA_INVALID_EVENT (nil) with the error in WSAGetLastError.
///
/// The corresponding Win32 function is `WSACreateEvent`.
public func WSACreateEvent() -> WSAEVENT {
    guard Library.isStarted.load(ordering: .acquiring) else {
        WSASetLastError(WSANOTINITIALISED)
        return WSA_INVALID_EVENT
    }
    guard let handle = EventTable.insert(EventObject()) else {
        WSASetLastError(WSA_NOT_ENOUGH_MEMORY)
        return WSA_INVALID_EVENT
    }
    return handle
}

/// Closes an event handle.
///
/// - Returns: TRUE, or FALSE with WSA_INVALID_HANDLE for a handle that is not an open event.
///
/// The corresponding Win32 function is `WSACloseEvent`.
public func WSACloseEvent(_ hEvent: WSAEVENT) -> BOOL {
    guard Library.isStarted.load(ordering: .acquiring) else { return falseWith(WSANOTINITIALISED) }
    guard EventTable.remove(hEvent) != nil else { return falseWith(WSA_INVALID_HANDLE) }
    return TRUE
}

/// Sets an event to the signalled state, waking every thread that waits on it.
///
/// The corresponding Win32 function is `WSASetEvent`.
public func WSASetEvent(_ hEvent: WSAEVENT) -> BOOL {
    guard Library.isStarted.load(ordering: .acquiring) else { return falseWith(WSANOTINITIALISED) }
    guard let event = EventTable.lookup(hEvent) else { return falseWith(WSA_INVALID_HANDLE) }
    event.set()
    return TRUE
}

/// Sets an event to the non-signalled state.
///
/// The corresponding Win32 function is `WSAResetEvent`.
public func WSAResetEvent(_ hEvent: WSAEVENT) -> BOOL {
    guard Library.isStarted.load(ordering: .acquiring) else { return falseWith(WSANOTINITIALISED) }
    guard let event = EventTable.lookup(hEvent) else { return falseWith(WSA_INVALID_HANDLE) }
    event.reset()
    return TRUE
}

@inline(__always)
func falseWith(_ code: Int32) -> BOOL {
    WSASetLastError(code)
    return FALSE
}
