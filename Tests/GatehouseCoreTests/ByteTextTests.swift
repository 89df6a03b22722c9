import Foundation
import GatehouseCore
import Testing

@Suite("ByteText")
struct ByteTextTests {
    /// The byte-level codec agrees with Foundation's base64 on every length and every byte value.
    @Test func base64URLRoundTripsAndMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = ByteText.base64URL(bytes)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(encoded == foundation)
            #expect(ByteText.decodeBase64URL(encoded) == bytes)
            #expect(ByteText.decodeBase64URL(Data(bytes).base64EncodedString()) == bytes, "standard base64 with padding")
        }
    }

    @Test func decodingRefusesWhatNoEncoderProduces() {
        #expect(ByteText.decodeBase64URL("abc$") == nil)
        #expect(ByteText.decodeBase64URL("a") == nil, "a length of 1 mod 4")
        #expect(ByteText.decodeBase64URL("ab=c") == nil, "padding in the middle")
        #expect(ByteText.decodeBase64URL("") == [])
    }
}
