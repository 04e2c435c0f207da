#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time as Close writes it: `2024-03-01T14:05:09.123456+00:00`.
///
/// Always UTC, always six fractional digits and an explicit `+00:00`, so that the strings sort in time
/// order (Airbyte compares `date_updated` values as strings, close-api.md §1.3). Stored as integer
/// microseconds since the Unix epoch: compact, exact, and the same in SQLite and PostgreSQL.
public struct CloseTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// The current wall-clock time.
    public static func now() -> CloseTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return CloseTimestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    public static func < (lhs: CloseTimestamp, rhs: CloseTimestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }

    /// The ISO 8601 form Close uses. Written digit by digit: it is formatted several times for every
    /// object in every response.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        writeISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the ISO 8601 form to `bytes` (JSON writing puts it straight into the response).
    public func writeISO8601(to bytes: inout [UInt8]) {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.from(daysSinceEpoch: days)
        let start = bytes.count
        bytes.append(contentsOf: Self.template)
        Self.put(year, width: 4, at: start, in: &bytes)
        Self.put(month, width: 2, at: start + 5, in: &bytes)
        Self.put(day, width: 2, at: start + 8, in: &bytes)
        Self.put(secondOfDay / 3600, width: 2, at: start + 11, in: &bytes)
        Self.put(secondOfDay / 60 % 60, width: 2, at: start + 14, in: &bytes)
        Self.put(secondOfDay % 60, width: 2, at: start + 17, in: &bytes)
        Self.put(fraction, width: 6, at: start + 20, in: &bytes)
    }

    private static let template = Array("0000-00-00T00:00:00.000000+00:00".utf8)

    /// Writes the last `width` decimal digits of a non-negative value into `bytes` at `offset`.
    private static func put(_ value: Int64, width: Int, at offset: Int, in bytes: inout [UInt8]) {
        var value = value
        for position in stride(from: offset + width - 1, through: offset, by: -1) {
            bytes[position] = UInt8(48 + value % 10)
            value /= 10
        }
    }

    public var description: String { iso8601 }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = CloseTimestamp(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "Not an ISO 8601 date or datetime: \(text)")
            )
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
