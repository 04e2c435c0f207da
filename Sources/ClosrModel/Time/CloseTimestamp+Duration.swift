extension CloseTimestamp {
    /// This instant moved by `duration` (back, for a negative one): lease ends, retry times, cut-offs.
    public func advanced(by duration: Duration) -> CloseTimestamp {
        CloseTimestamp(microseconds: microseconds + duration.microseconds)
    }
}

extension Duration {
    /// Whole microseconds, the unit every stored time is in.
    public var microseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}
