import ClosrCore
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

    let bounds: [Bound]

    init(_ query: QueryParameters) throws {
        let fields = [LeadQuery.DateField.dateCreated, .dateUpdated]
        bounds = try DateBounds.parse(fields.map(\.rawValue), query.nonEmpty).compactMap { bound in
            LeadQuery.DateField(rawValue: bound.column).map { Bound(field: $0, comparison: bound.comparison, value: bound.value) }
        }
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
