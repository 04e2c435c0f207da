extension CloseTimestamp {
    /// Parses every form Close clients send in filters and bodies (close-api.md §1.3): `YYYY-MM-DD`,
    /// `YYYY-MM-DDTHH:MM`, `…:SS`, with or without a fraction, with `Z`, `±HH:MM`, `±HHMM` or no offset
    /// (naive means UTC). A space may stand for `T`. Returns nil for anything else.
    public init?(parsing text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
              let month = scanner.number(digits: 2), scanner.skip("-"),
              let day = scanner.number(digits: 2),
              (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        var seconds: Int64 = 0
        var micros: Int64 = 0
        if scanner.skip("T") || scanner.skip(" ") {
            guard let hour = scanner.number(digits: 2), scanner.skip(":"), let minute = scanner.number(digits: 2),
                  hour < 24, minute < 60
            else { return nil }
            seconds = hour * 3600 + minute * 60
            if scanner.skip(":") {
                guard let second = scanner.number(digits: 2), second < 61 else { return nil }
                seconds += second
                if scanner.skip(".") {
                    guard let (fraction, count) = scanner.fraction() else { return nil }
                    micros = fraction
                    for _ in count..<6 { micros *= 10 }
                }
            }
            if scanner.skip("Z") || scanner.skip("z") {
                // UTC
            } else if let sign = scanner.sign() {
                // Real offsets lie within ±14:00; anything past ±23:59 is not an offset at all.
                guard let offsetHours = scanner.number(digits: 2), offsetHours < 24 else { return nil }
                _ = scanner.skip(":")
                let offsetMinutes = scanner.number(digits: 2) ?? 0
                guard offsetMinutes < 60 else { return nil }
                seconds -= sign * (offsetHours * 3600 + offsetMinutes * 60)
            }
        }
        guard scanner.atEnd else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        self.init(microseconds: (days * 86_400 + seconds) * 1_000_000 + micros)
    }
}

/// A tiny cursor over ASCII bytes for the timestamp parser.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for offset in 0..<digits {
            let byte = bytes[index + offset]
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        index += digits
        return value
    }

    /// Up to six fractional digits are kept; further digits are read and dropped.
    mutating func fraction() -> (value: Int64, count: Int)? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, (48...57).contains(bytes[index]) {
            if count < 6 {
                value = value * 10 + Int64(bytes[index] - 48)
                count += 1
            }
            index += 1
        }
        return count == 0 ? nil : (value, count)
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
