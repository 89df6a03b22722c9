import Crypto
import Foundation

/// Random values for credentials and identifiers, always from the system CSPRNG.
public enum RandomToken {
    /// `byteCount` random bytes as unpadded base64url.
    public static func base64URL(byteCount: Int) -> String {
        Data(bytes(byteCount)).base64URLEncodedString()
    }

    /// `byteCount` random bytes as lowercase hex.
    public static func hex(byteCount: Int) -> String {
        bytes(byteCount).map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
