import Synchronization

/// What a run tells its caller while it runs: lines the caller decides where to print (the library never
/// writes to a terminal). Each closure may be called from any worker thread.
public struct RunEvents: Sendable {
    /// One line per WSASend call (`-v`).
    public var callLine: (@Sendable (String) -> Void)?
    /// A progress line (`--interval`).
    public var progress: (@Sendable (String) -> Void)?
    /// A notice such as "listening on 127.0.0.1:9000".
    public var notice: (@Sendable (String) -> Void)?
    /// The report's header, once the connections are made and before the first call: what the run is,
    /// shown before its `-v` and progress lines.
    public var header: (@Sendable (String) -> Void)?
    /// Each interval of `RunPlan.reportInterval`, as it ends, and the last one when the run does; from
    /// the watcher thread, in order, all before the run returns.
    public var interval: (@Sendable (IntervalReport) -> Void)?
    /// Once the connections are made, on the run's thread, just before the run starts its first thread
    /// (the watcher, the workers, the overlapped engine): the moment a caller may start threads of its own
    /// (the executable's signal relay). Connections are set up while the process has one thread: while a
    /// second thread lives, every socket call of the set-up takes and drops a reference on its file, and
    /// bench/c/connectloop.c with one idle extra thread made its connections 1.4-1.7x slower.
    public var threadsStarting: (@Sendable () -> Void)?

    public init(
        callLine: (@Sendable (String) -> Void)? = nil, progress: (@Sendable (String) -> Void)? = nil,
        notice: (@Sendable (String) -> Void)? = nil
    ) {
        self.callLine = callLine
        self.progress = progress
        self.notice = notice
    }
}
