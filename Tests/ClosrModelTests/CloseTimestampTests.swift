import Testing

@testable import ClosrModel

@Suite struct CloseTimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000+00:00"),
        (1_709_301_909_123_456, "2024-03-01T14:05:09.123456+00:00"),
        (951_782_400_000_000, "2000-02-29T00:00:00.000000+00:00"),
        (-1, "1969-12-31T23:59:59.999999+00:00"),
        (253_402_300_799_999_999, "9999-12-31T23:59:59.999999+00:00"),
    ])
    func formatsAsCloseDoes(_ microseconds: Int64, _ expected: String) {
        #expect(CloseTimestamp(microseconds: microseconds).iso8601 == expected)
        #expect(CloseTimestamp(parsing: expected)?.microseconds == microseconds)
    }

    @Test(arguments: [
        ("2024-01-01", 1_704_067_200_000_000 as Int64),
        ("2024-01-01T00:00", 1_704_067_200_000_000),
        ("2024-01-01T00:00:00", 1_704_067_200_000_000),
        ("2024-01-01 00:00:00", 1_704_067_200_000_000),
        ("2024-01-01T00:00:00Z", 1_704_067_200_000_000),
        ("2024-01-01T00:00:00.000000+00:00", 1_704_067_200_000_000),
        ("2024-01-01T02:00:00+02:00", 1_704_067_200_000_000),
        ("2023-12-31T19:00:00-0500", 1_704_067_200_000_000),
        ("2024-01-01T00:00:00.5", 1_704_067_200_500_000),
        ("2024-01-01T00:00:00.1234567", 1_704_067_200_123_456),
    ])
    func parsesEveryFormClientsSend(_ text: String, _ microseconds: Int64) {
        #expect(CloseTimestamp(parsing: text)?.microseconds == microseconds)
    }

    @Test(arguments: ["", "2024", "2024-13-01", "2024-02-30", "2023-02-29", "2024-01-01T25:00", "2024-01-01T00:00:00.",
                      "yesterday", "2024-01-01T00:00:00+", "2024-01-01x"])
    func refusesAnythingElse(_ text: String) {
        #expect(CloseTimestamp(parsing: text) == nil)
    }

    @Test func stringOrderIsTimeOrder() {
        let times: [Int64] = [0, 1, 999_999, 1_000_000, 1_709_301_909_123_456, 1_709_301_909_123_457]
        let strings = times.map { CloseTimestamp(microseconds: $0).iso8601 }
        #expect(strings == strings.sorted())
    }
}
