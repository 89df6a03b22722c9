import Foundation

/// RFC 4648 §5 (base64url, unpadded) and lowercase hex, byte by byte. These run several times per token and
/// per request id; Foundation's `base64EncodedString` plus three `replacingOccurrences` passes showed as 6 % of
/// token issuance in the profile (`bench/RESULTS.md`).
public enum ByteText {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func base64URL(_ bytes: some Collection<UInt8>) -> String {
        // Contiguous bytes (arrays, Data: every caller) take the loop over a buffer. Called from another module
        // this function is not specialised, and the generic loop below paid a witness call per byte: 4 % of
        // token issuance in the issue-27 profile.
        if let encoded = bytes.withContiguousStorageIfAvailable({ base64URL(buffer: $0) }) { return encoded }
        return Array(bytes).withUnsafeBufferPointer { base64URL(buffer: $0) }
    }

    private static func base64URL(buffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let a = iterator.next() {
            let b = iterator.next(), c = iterator.next()
            output.append(alphabet[Int(a >> 2)])
            output.append(alphabet[Int((a & 0x03) << 4 | (b ?? 0) >> 4)])
            guard let b else { break }
            output.append(alphabet[Int((b & 0x0F) << 2 | (c ?? 0) >> 6)])
            guard let c else { break }
            output.append(alphabet[Int(c & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The inverse of ``base64URL(_:)``, byte by byte: the stored secret digest is decoded on every
    /// issuance, and Foundation's two `replacingOccurrences` passes were 3.7 % of it. Nil for any byte outside
    /// the alphabet, for padding anywhere but the end, and for a length no encoding produces.
    public static func decodeBase64URL(_ text: some StringProtocol) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        while utf8.last == UInt8(ascii: "=") { utf8.removeLast() }
        guard utf8.count % 4 != 1 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(utf8.count * 3 / 4)
        var buffer: UInt32 = 0, bits = 0
        for byte in utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"), UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "_"), UInt8(ascii: "/"): value = 63
            default: return nil
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }

    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension Data {
    /// RFC 4648 §5 encoding without padding, as JOSE and our secrets use.
    public func base64URLEncodedString() -> String { ByteText.base64URL(self) }

    /// Also accepts standard base64 (`+`, `/`) and trailing `=` padding, as the Foundation-based version did.
    public init?(base64URLEncoded string: String) {
        guard let bytes = ByteText.decodeBase64URL(string) else { return nil }
        self.init(bytes)
    }
}
