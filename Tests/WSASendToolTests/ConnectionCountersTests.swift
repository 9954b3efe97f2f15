import Testing
import Winsock

@testable import WSASendTool

/// A report's entry keeps the object its driver counted in, and still behaves as a value: a change made
/// through one entry, or through a copy of it, reaches nobody else.
@Suite("A connection report's counters")
struct ConnectionCountersTests {
    static func counted(calls: UInt64, code: Int32? = nil) -> CallCounters {
        var counters = CallCounters()
        counters.calls = calls
        counters.bytesSent = calls * 64
        if let code { counters.codes.add(code) }
        return counters
    }

    @Test("an entry reads the counts of the object it keeps, without a copy")
    func keepsTheDriversObject() {
        let driver = ConnectionCounters(Self.counted(calls: 3, code: WSAEWOULDBLOCK))
        var entry = ConnectionReport(index: 0)
        entry.keepCounters(driver)
        #expect(entry.counters == driver.counters)
        // The entry holds the object itself: a count the driver adds afterwards shows in it.
        driver.counters.calls += 1
        #expect(entry.counters.calls == 4)
    }

    @Test("setting an entry's counters leaves the driver's object and the entry's copies as they were")
    func setIsCopyOnWrite() {
        let driver = ConnectionCounters(Self.counted(calls: 5))
        var entry = ConnectionReport(index: 1)
        entry.keepCounters(driver)
        let copy = entry
        entry.counters.calls = 9
        entry.counters.codes.add(WSAECONNRESET)
        #expect(entry.counters.calls == 9)
        #expect(entry.counters.codes.count(of: WSAECONNRESET) == 1)
        #expect(driver.counters == Self.counted(calls: 5), "the driver's object is untouched")
        #expect(copy.counters == Self.counted(calls: 5), "the copy taken before is untouched")
        // Once the entry's object is its own, a later copy is again independent.
        let second = entry
        entry.counters.calls = 10
        #expect(second.counters.calls == 9)
        #expect(entry.counters.calls == 10)
    }

    @Test("a new entry counts nothing, and setting its counters keeps them")
    func freshEntry() {
        var entry = ConnectionReport(index: 2)
        #expect(entry.counters == CallCounters())
        entry.counters = Self.counted(calls: 7)
        let copy = entry
        entry.counters.failed = 1
        #expect(entry.counters.calls == 7 && entry.counters.failed == 1)
        #expect(copy.counters.failed == 0)
    }

    @Test("a driver's outcome of value counters is kept as a copy the driver cannot change")
    func outcomeOfValues() {
        var worker = Self.counted(calls: 2)
        let outcome = ConnectionOutcome(counters: worker, error: nil, ended: nil)
        worker.calls = 100
        var entry = ConnectionReport(index: 3)
        entry.keepCounters(outcome.counters)
        #expect(entry.counters.calls == 2)
    }
}
