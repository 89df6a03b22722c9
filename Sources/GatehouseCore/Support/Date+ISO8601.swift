import Foundation

extension Date {
    /// `2024-12-31T23:59:59Z`: what `ISO8601DateFormatter` writes by default, without it. Foundation builds an
    /// ICU formatter for every `ISO8601DateFormatter`, which was a quarter of a project read in the profile
    /// (`bench/RESULTS.md`). Whole seconds, UTC, proleptic Gregorian (Howard Hinnant's civil-from-days).
    ///
    /// Dates outside the years 0 to 9999 are written as the nearest end of that range, so the arithmetic
    /// below never overflows.
    public var iso8601: String {
        let seconds = min(max(unixSeconds, -62_167_219_200), 253_402_300_799)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = year >= 0 && year < 10_000 ? String(repeating: "0", count: 4 - "\(year)".count) + "\(year)" : "\(year)"
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
