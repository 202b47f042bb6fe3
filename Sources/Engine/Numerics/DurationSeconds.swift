extension Duration {
    /// The duration in seconds, as a Double (timings in reports and histories; never part of a result).
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
