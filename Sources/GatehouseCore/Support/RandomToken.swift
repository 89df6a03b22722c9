import Crypto
import Foundation

/// Random values for credentials and identifiers, always from the system CSPRNG.
public enum RandomToken {
    /// `byteCount` random bytes as unpadded base64url.
    public static func base64URL(byteCount: Int) -> String {
        ByteText.base64URL(bytes(byteCount))
    }

    /// `byteCount` random bytes as lowercase hex.
    public static func hex(byteCount: Int) -> String {
        ByteText.hex(bytes(byteCount))
    }

    static func bytes(_ count: Int) -> [UInt8] {
        // One `getrandom` call per 8 bytes, not one per byte.
        var generator = SystemRandomNumberGenerator()
        var result = [UInt8]()
        result.reserveCapacity(count + 8)
        while result.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { result.append(contentsOf: $0) }
        }
        return Array(result.prefix(count))
    }
}
