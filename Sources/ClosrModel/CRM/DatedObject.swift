/// An object with Close's two timestamps, which list filters (`date_created__gte`, …) compare.
public protocol DatedObject {
    var dateCreated: CloseTimestamp { get }
    var dateUpdated: CloseTimestamp { get }
}

extension Status: DatedObject {}
extension Pipeline: DatedObject {}
extension CustomField: DatedObject {}
