import Winsock

/// The WSASend flag grammar: `oob`, `dontroute`, `partial` in any case, with or without `MSG_`, or a
/// number (decimal or `0x` hexadecimal), separated by commas or `|`.
///
/// A number passes any bit through, unknown ones included, so that the contract's answer to them
/// (WSAEOPNOTSUPP) can be seen; a name must be one of the three.
public enum FlagList {
    /// Parses a flag list into WSASend's `dwFlags`.
    public static func parse(_ text: String) -> Result<DWORD, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a flag list")) }
        if let error = ValueSign.error(text[...], what: "a flag list") { return .failure(error) }
        var flags: DWORD = 0
        for item in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == "|" }) {
            let name = item.trimmingSpaces
            guard !name.isEmpty else { return .failure(.emptyItem(text)) }
            guard let value = value(of: name) else { return .failure(.unknownFlag(String(name))) }
            flags |= value
        }
        return .success(flags)
    }

    /// The value of one name or number.
    static func value(of item: Substring) -> DWORD? {
        var name = item.uppercased()[...]
        if name.hasPrefix("MSG_") { name = name.dropFirst(4) }
        switch name {
        case "OOB": return DWORD(MSG_OOB)
        case "DONTROUTE": return DWORD(MSG_DONTROUTE)
        case "PARTIAL": return DWORD(MSG_PARTIAL)
        default: break
        }
        if name.hasPrefix("0X") {
            let digits = name.dropFirst(2)
            guard !digits.isEmpty, digits.count <= 8 else { return nil }
            return DWORD(digits, radix: 16)
        }
        guard let number = NumberGrammar.decimal(item), number <= UInt64(DWORD.max) else { return nil }
        return DWORD(number)
    }

    /// The names of the bits in `flags`, known ones as `MSG_OOB`, others as one hexadecimal number.
    public static func names(_ flags: DWORD) -> [String] {
        var names: [String] = []
        var rest = flags
        for (bit, name) in [
            (DWORD(MSG_OOB), "MSG_OOB"), (DWORD(MSG_DONTROUTE), "MSG_DONTROUTE"),
            (DWORD(MSG_PARTIAL), "MSG_PARTIAL"),
        ]
        where flags & bit != 0 {
            names.append(name)
            rest &= ~bit
        }
        if rest != 0 { names.append("0x" + String(rest, radix: 16)) }
        return names
    }
}

extension Substring {
    /// The text without leading and trailing spaces.
    var trimmingSpaces: Substring {
        guard let first = firstIndex(where: { $0 != " " }), let last = lastIndex(where: { $0 != " " }) else {
            return ""
        }
        return self[first...last]
    }
}
