import Foundation

/// Calendar days and local times through the C library, so the engine and the TUI do not load
/// ICU's calendar data (several MiB per process; one process runs per SSH customer).
public struct CivilDate: Equatable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    /// Parses `YYYY-MM-DD`; nil for malformed or impossible dates (2027-02-30).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
        guard CivilDate(utc: startUTC) == self else { return nil } // rejects day overflow
    }

    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    /// The UTC day of a Unix time.
    public init(utc seconds: Int64) { self.init(Self.broken(seconds, local: false)) }
    /// The local day of a Unix time (the shop's time zone).
    public init(local seconds: Int64) { self.init(Self.broken(seconds, local: true)) }

    private init(_ t: tm) { self.init(year: Int(t.tm_year) + 1900, month: Int(t.tm_mon) + 1, day: Int(t.tm_mday)) }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// Midnight UTC at the start of this day.
    public var startUTC: Int64 {
        var t = tm()
        t.tm_year = Int32(year - 1900); t.tm_mon = Int32(month - 1); t.tm_mday = Int32(day)
        return Int64(timegm(&t))
    }

    /// Local midnight at the start of this day.
    public var startLocal: Int64 {
        var t = tm()
        t.tm_year = Int32(year - 1900); t.tm_mon = Int32(month - 1); t.tm_mday = Int32(day); t.tm_isdst = -1
        return Int64(mktime(&t))
    }

    /// The day after, in local time.
    public var nextLocal: CivilDate { CivilDate(local: startLocal + 36 * 3600) }

    /// `YYYY-MM-DD HH:MM` in local time.
    public static func localTimestamp(_ seconds: Int64) -> String {
        let t = broken(seconds, local: true)
        return String(format: "%04d-%02d-%02d %02d:%02d", Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday), Int(t.tm_hour), Int(t.tm_min))
    }

    private static func broken(_ seconds: Int64, local: Bool) -> tm {
        var time = time_t(seconds)
        var t = tm()
        if local { localtime_r(&time, &t) } else { gmtime_r(&time, &t) }
        return t
    }
}
