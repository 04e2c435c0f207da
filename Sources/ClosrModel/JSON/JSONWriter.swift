/// Writes JSON text straight into bytes, exactly as ``JSONValue/serialized()`` would write the same
/// value, without building the tree first.
///
/// The biggest responses are pages of leads: a tree of a hundred leads with their contacts and
/// opportunities, built only to be walked once, cost about a third of such a page in profiles (an array
/// and its copies for every object, a string for every number). Wire types that are listed in bulk write
/// themselves here (``JSONWritable``).
///
/// `_fields` is applied while writing: members of objects at `selectionDepth` (1 for a single object,
/// 2 for the items of a page's `data`) are written only if selected.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false
    private var depth = 0
    private let selection: Set<String>?
    private let selectionDepth: Int
    private let selectsAllCustom: Bool

    /// `fields`: the `_fields` names, nil for every member; `depth`: where the selected objects are.
    public init(fields: Set<String>? = nil, depth: Int = 1, capacity: Int = 1024) {
        selection = fields
        selectionDepth = depth
        selectsAllCustom = fields?.contains("custom") ?? false
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written since the last call, leaving the writer where it was (inside whatever is open),
    /// so a long array can be sent a part at a time.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    // MARK: Structure

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma = false
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
        depth -= 1
    }

    /// Writes `"key":` and returns true, unless `_fields` leaves this member out (then writes nothing).
    /// `custom` selects every `custom.<id>` member too (close-api.md §1.6).
    public mutating func key(_ key: String) -> Bool {
        if depth == selectionDepth, let selection, !selection.contains(key),
           !(selectsAllCustom && key.hasPrefix("custom.")) {
            return false
        }
        separate()
        JSONValue.writeString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
        return true
    }

    // MARK: Values

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    public mutating func string(_ value: String?) {
        guard let value else { return null() }
        separate()
        JSONValue.writeString(value, to: &bytes)
        needsComma = true
    }

    public mutating func int(_ value: Int?) {
        guard let value else { return null() }
        separate()
        JSONValue.writeInt(value, to: &bytes)
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func timestamp(_ value: CloseTimestamp?) {
        guard let value else { return null() }
        separate()
        bytes.append(UInt8(ascii: "\""))
        value.writeISO8601(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A value already in tree form (custom values, addresses).
    public mutating func value(_ value: JSONValue) {
        separate()
        bytes.append(contentsOf: value.serialized())
        needsComma = true
    }

    public mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
    }

    public mutating func array(_ values: [some JSONWritable]) {
        beginArray()
        for value in values { value.write(to: &self) }
        endArray()
    }

    /// `[]`.
    public mutating func emptyArray() {
        beginArray()
        endArray()
    }
}

/// A wire type that writes its own JSON (see ``JSONWriter``); its tree form is read back from that text,
/// so the two cannot disagree.
public protocol JSONWritable: JSONRepresentable {
    func write(to writer: inout JSONWriter)
}

extension JSONWritable {
    /// The JSON text, for storing (an event's `data`) without a tree in between.
    public var jsonText: String {
        var writer = JSONWriter()
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    public var jsonValue: JSONValue {
        var writer = JSONWriter()
        write(to: &writer)
        return (try? JSONValue(parsing: writer.bytes)) ?? .null
    }
}
