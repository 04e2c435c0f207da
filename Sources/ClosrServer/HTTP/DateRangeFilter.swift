import ClosrModel

/// Close's Django-style date filters on a list: `date_created__gt`, `__gte`, `__lt`, `__lte` and the same
/// for `date_updated` (close-api.md §1.5). A value that is not a date is a 400; a filter is never
/// silently ignored.
struct DateRangeFilter {
    struct Bound {
        let field: LeadQuery.DateField
        let comparison: LeadQuery.Comparison
        let value: CloseTimestamp
    }

    static let comparisons: [(suffix: String, comparison: LeadQuery.Comparison)] = [
        ("gt", .greater), ("gte", .greaterOrEqual), ("lt", .less), ("lte", .lessOrEqual),
    ]

    let bounds: [Bound]

    init(_ query: QueryParameters) throws {
        var bounds: [Bound] = []
        for field in [LeadQuery.DateField.dateCreated, .dateUpdated] {
            for (suffix, comparison) in Self.comparisons {
                let name = "\(field.rawValue)__\(suffix)"
                guard let text = query.nonEmpty(name) else { continue }
                guard let value = CloseTimestamp(parsing: text) else {
                    throw CloseError.badRequest("\(name) must be an ISO 8601 date or datetime (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM])")
                }
                bounds.append(Bound(field: field, comparison: comparison, value: value))
            }
        }
        self.bounds = bounds
    }

    /// The bounds as lead-query clauses (`date_created >= …`), ANDed with the rest of the query.
    var leadClauses: [LeadQuery.Clause] {
        bounds.map { .date($0.field, $0.comparison, $0.value) }
    }

    /// Whether an object of a small, fully loaded list (statuses, custom fields) passes every bound.
    func admits(_ object: some DatedObject) -> Bool {
        bounds.allSatisfy { bound in
            let date = bound.field == .dateCreated ? object.dateCreated : object.dateUpdated
            switch bound.comparison {
            case .greater: return date > bound.value
            case .greaterOrEqual: return date >= bound.value
            case .less: return date < bound.value
            case .lessOrEqual: return date <= bound.value
            case .equal: return date == bound.value
            }
        }
    }
}
