import Synchronization

/// Prefixed object IDs in Close's style: `prefix_` + 22 base62 characters.
///
/// The 128 bits behind the characters are 48 bits of Unix milliseconds followed by 80 random bits
/// (DESIGN.md "Storage"): unique without coordination between server nodes, unguessable, and sorted by
/// creation time both as strings and in an index. Within one process they also sort by creation when
/// several are made in one millisecond: the next ID then adds a random step to the last one's bits, so
/// that things written together (an API key's `created` and `rotated` events, say) list in the order
/// they happened, and the IDs stay unguessable.
public enum ClosrID {
    /// The type prefixes Close uses (close-api.md §1.2).
    public enum Prefix: String, Sendable, CaseIterable {
        case organization = "orga"
        case user = "user"
        case membership = "memb"
        case apiKey = "api"
        case lead = "lead"
        case contact = "cont"
        case opportunity = "oppo"
        case status = "stat"
        case pipeline = "pipe"
        case task = "task"
        case activity = "acti"
        case customActivityType = "actitype"
        case customField = "cf"
        case event = "ev"
        case request = "req"
        case webhook = "whsub"
        case webhookDelivery = "whdel"
        case savedSearch = "save"
        case pageView = "pageview"
        case visitorLead = "visitor"
    }

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    static let encodedLength = 22

    /// The last ID this process made, as its two 64-bit halves.
    private static let last = Mutex<(high: UInt64, low: UInt64)>((0, 0))

    /// A new ID of the given kind, stamped with the current time and greater than every ID this process
    /// made before.
    public static func make(_ prefix: Prefix) -> String {
        var generator = SystemRandomNumberGenerator()
        let fresh = bits(milliseconds: UInt64(CloseTimestamp.now().microseconds / 1000), using: &generator)
        let step = UInt64.random(in: 1...(1 << 32), using: &generator)
        let (high, low) = last.withLock { last in
            let next = fresh.high > last.high ? fresh : successor(of: last, step: step)
            last = next
            return next
        }
        return prefix.rawValue + "_" + base62(high: high, low: low)
    }

    /// `bits + step` over the full 128 bits: an overflow of the random part carries into the time, so the
    /// result is still the greater.
    static func successor(of bits: (high: UInt64, low: UInt64), step: UInt64) -> (high: UInt64, low: UInt64) {
        let (low, overflow) = bits.low.addingReportingOverflow(step)
        return (overflow ? bits.high &+ 1 : bits.high, low)
    }

    /// A new ID from an explicit time and random source (tests use this to check ordering).
    public static func make(
        _ prefix: Prefix,
        milliseconds: UInt64,
        using generator: inout some RandomNumberGenerator
    ) -> String {
        let (high, low) = bits(milliseconds: milliseconds, using: &generator)
        return prefix.rawValue + "_" + base62(high: high, low: low)
    }

    /// An ID's 128 bits: high 64 bits are 48 bits of time, then the top 16 random bits; low 64 bits the rest.
    private static func bits(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> (high: UInt64, low: UInt64) {
        let random = generator.next() as UInt64
        let randomLow = UInt16(truncatingIfNeeded: generator.next() as UInt64)
        return ((milliseconds & 0xFFFF_FFFF_FFFF) << 16 | UInt64(randomLow), random)
    }

    /// Fixed-width base62 of a 128-bit number given as two 64-bit halves (most significant first).
    /// Long division by 62, one 64-bit half at a time, into a buffer of exactly the string's bytes: every
    /// request makes an ID (its `req_…`), so this allocates nothing but the string.
    static func base62(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: encodedLength) { buffer in
            var high = high
            var low = low
            for position in stride(from: encodedLength - 1, through: 0, by: -1) {
                let (highQuotient, highRemainder) = high.quotientAndRemainder(dividingBy: 62)
                // highRemainder < 62, so the full-width quotient fits in 64 bits.
                let (lowQuotient, remainder) = UInt64(62).dividingFullWidth((high: highRemainder, low: low))
                high = highQuotient
                low = lowQuotient
                buffer[position] = alphabet[Int(remainder)]
            }
            return encodedLength
        }
    }
}
