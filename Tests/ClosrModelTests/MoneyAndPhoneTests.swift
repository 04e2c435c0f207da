import Testing

@testable import ClosrModel

/// Display forms computed for every listed opportunity and phone: they must never trap or garble.
@Suite struct MoneyAndPhoneTests {
    @Test(arguments: [
        ("+15555550100", "+1 555-555-0100"),
        ("+447700900123", "+447700900123"),
        ("+1٠١٢٣٤", "+1٠١٢٣٤"),          // not ASCII digits: shown as stored, never cut mid-character
        ("+1555555010x", "+1555555010x"),
    ])
    func phonesAreFormattedOnlyWhenTheyAreNorthAmericanDigits(_ phone: String, _ expected: String) {
        #expect(PhoneNumber.formatted(phone) == expected)
    }

    @Test func extremeAmountsNeitherTrapNorWrap() {
        #expect(Money.formatted(cents: Int.min, currency: "USD", period: "one_time").hasPrefix("-$"))
        #expect(Money.formatted(cents: 123_456, currency: "EUR", period: "monthly") == "€1,234.56 monthly")
        let huge = Opportunity(
            id: "oppo_1", organizationID: "orga_1", leadID: "lead_1", leadName: "", statusID: "stat_1", statusLabel: "Active",
            statusType: "active", pipelineID: nil, pipelineName: nil, value: Int.max, valuePeriod: "monthly", valueCurrency: "USD",
            confidence: 100, note: "", dateWon: nil, userID: nil, userName: nil, contactID: nil, contactName: nil, createdBy: nil,
            createdByName: nil, updatedBy: nil, updatedByName: nil, dateCreated: CloseTimestamp(microseconds: 0),
            dateUpdated: CloseTimestamp(microseconds: 0)
        )
        #expect(huge.annualizedValue == Int.max)
        #expect(huge.expectedValue == Int.max / 100)
    }
}
