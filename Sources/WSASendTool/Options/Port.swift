/// The port grammar: a decimal number, 1...65535 for a target, 0...65535 where 0 asks for any free port.
public enum PortGrammar {
    /// Parses a port.
    ///
    /// - Parameters:
    ///   - text: Decimal digits only (no sign, no service name).
    ///   - allowZero: True for listen addresses, where 0 means "an ephemeral port".
    public static func parse(_ text: Substring, allowZero: Bool) -> Result<UInt16, GrammarError> {
        guard let value = NumberGrammar.decimal(text) else { return .failure(.badPort(String(text))) }
        let lowest: UInt64 = allowZero ? 0 : 1
        guard value >= lowest, value <= 65535 else {
            return .failure(.portOutOfRange(String(text), lowest: Int(lowest)))
        }
        return .success(UInt16(value))
    }
}
