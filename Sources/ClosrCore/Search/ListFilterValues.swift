import ClosrModel

/// The values of a list filter given as `name=a` and/or `name__in=a,b,c`, bounded: each value is bound
/// into the statement, and SQLite refuses more than 32,766 bound values (a 500 before this bound).
public enum ListFilterValues {
    public static let maxValues = 1000

    /// nil when neither parameter is given; 400 past ``maxValues``.
    public static func parse(_ name: String, _ parameter: (String) -> String?) throws -> [String]? {
        let values = [parameter(name), parameter(name + "__in")].compactMap { $0 }
            .flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
        guard values.count <= maxValues else {
            throw CloseError.badRequest("\(name)__in takes at most \(maxValues) values; split the request")
        }
        return values.isEmpty ? nil : values
    }
}
