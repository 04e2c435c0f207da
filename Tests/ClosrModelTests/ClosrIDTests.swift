import Testing

@testable import ClosrModel

@Suite struct ClosrIDTests {
    @Test func idsHaveThePrefixAnd22Base62Characters() {
        let id = ClosrID.make(.lead)
        #expect(id.hasPrefix("lead_"))
        let body = id.dropFirst(5)
        #expect(body.count == 22)
        #expect(body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    @Test func idsSortByCreationTime() {
        var generator = SystemRandomNumberGenerator()
        let earlier = ClosrID.make(.lead, milliseconds: 1_700_000_000_000, using: &generator)
        let later = ClosrID.make(.lead, milliseconds: 1_700_000_000_001, using: &generator)
        #expect(earlier < later)
    }

    /// Many IDs in one millisecond still sort in the order they were made, so rows written together
    /// (events of one transaction) list in the order they happened.
    @Test func idsMadeInOneMillisecondSortByCreation() {
        let ids = (0..<10_000).map { _ in ClosrID.make(.event) }
        #expect(ids == ids.sorted())
        #expect(ClosrID.successor(of: (high: 5, low: .max), step: 1) == (high: 6, low: 0))
    }

    @Test func idsAreUnique() {
        #expect(Set((0..<10_000).map { _ in ClosrID.make(.contact) }).count == 10_000)
    }

    @Test func base62OfKnownValues() {
        #expect(ClosrID.base62(high: 0, low: 0) == String(repeating: "0", count: 22))
        #expect(ClosrID.base62(high: 0, low: 61) == String(repeating: "0", count: 21) + "z")
        #expect(ClosrID.base62(high: 0, low: 62) == String(repeating: "0", count: 20) + "10")
        #expect(ClosrID.base62(high: .max, low: .max) == "7n42DGM5Tflk9n8mt7Fhc7")
    }
}
