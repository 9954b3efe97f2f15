/// `--start-at`: holds the run until a wall-clock instant, so that shards on many hosts connect together.
enum StartGate {
    /// Sleeps until `instant`, in slices of at most 50 ms so that SIGINT is not held up; says when the
    /// instant has already passed (the run starts at once) and how long it waits otherwise.
    static func wait(until instant: WallClockTime, control: RunControl, events: RunEvents) {
        let now = WallClock.now()
        if instant <= now {
            let late = now.nanosecondsSinceEpoch - instant.nanosecondsSinceEpoch
            events.notice?("--start-at \(instant) passed \(Units.duration(Double(late))) ago: starting now")
            return
        }
        events.notice?(
            "waiting \(Units.duration(Double(instant.nanosecondsSinceEpoch - now.nanosecondsSinceEpoch))) for --start-at \(instant)"
        )
        while !control.isStopping {
            let now = WallClock.now()
            guard instant > now else { return }
            sleepNanoseconds(min(instant.nanosecondsSinceEpoch - now.nanosecondsSinceEpoch, 50_000_000))
        }
    }
}
