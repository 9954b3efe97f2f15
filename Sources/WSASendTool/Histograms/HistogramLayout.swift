/// Where HdrHistogram keeps a value: the index of its counts slot, as every HdrHistogram implementation
/// computes it from the lowest discernible value and the significant digits. The V2 encoding lists counts
/// by that index, so the encoder and the decoder both need it.
struct HistogramLayout: Equatable {
    let unitMagnitude: Int
    let subBucketHalfCountMagnitude: Int

    init(lowestDiscernibleValue: UInt64, significantDigits: Int) {
        unitMagnitude = 63 - lowestDiscernibleValue.leadingZeroBitCount
        var largestSingleUnit: UInt64 = 2
        for _ in 0..<significantDigits { largestSingleUnit *= 10 }
        // ceil(log2(largestSingleUnit)), at least 1.
        let countMagnitude = max(64 - (largestSingleUnit - 1).leadingZeroBitCount, 1)
        subBucketHalfCountMagnitude = countMagnitude - 1
    }

    var subBucketHalfCount: Int { 1 << subBucketHalfCountMagnitude }

    /// Wrapping arithmetic: nothing here can overflow for any value and any layout `init` makes, and the
    /// send loops count every call's latency through it (`LatencyBatch`).
    @inline(__always)
    func index(of value: UInt64) -> Int {
        let subBucketMask = UInt64(truncatingIfNeeded: (subBucketHalfCount &<< 1) &- 1) &<< unitMagnitude
        let leadingZeroCountBase = 63 &- unitMagnitude &- subBucketHalfCountMagnitude
        let bucket = leadingZeroCountBase &- (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(truncatingIfNeeded: value &>> UInt64(truncatingIfNeeded: bucket &+ unitMagnitude))
        return ((bucket &+ 1) &<< subBucketHalfCountMagnitude) &+ subBucket &- subBucketHalfCount
    }

    /// The lowest value of slot `index`; nil when it is past what 64 bits hold.
    func value(at index: Int) -> UInt64? {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        let shift = bucket + unitMagnitude
        guard shift < 64, UInt64(subBucket).leadingZeroBitCount > shift else { return nil }
        return UInt64(subBucket) << UInt64(shift)
    }
}
