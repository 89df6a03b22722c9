@testable import GatehouseServer
import Testing

/// The token form's reader: split on the bytes `&` and `=`, then each side percent-decoded.
@Suite("Form encoding")
struct FormURLEncodedTests {
    @Test func pairsSplitOnTheFirstEqualsSign() throws {
        #expect(try FormURLEncoded.parse("grant_type=client_credentials&client_id=abc&client_secret=a=b==")
            == ["grant_type": "client_credentials", "client_id": "abc", "client_secret": "a=b=="])
        #expect(try FormURLEncoded.parse("&&a=1&&b&c=&") == ["a": "1", "b": "", "c": ""])
        #expect(try FormURLEncoded.parse("") == [:])
        #expect(try FormURLEncoded.parse("scope=read+write%2Fall&n%C3%A4me=Zo%C3%AB") == ["scope": "read write/all", "näme": "Zoë"])
    }

    /// A combining mark after `&` or `=` makes one grapheme with it; the separator is still the byte.
    @Test func separatorsAreBytesNotGraphemes() throws {
        #expect(try FormURLEncoded.parse("a=1&\u{301}b=2") == ["a": "1", "\u{301}b": "2"])
        #expect(try FormURLEncoded.parse("a=\u{301}x") == ["a": "\u{301}x"])
    }

    @Test(arguments: ["a=1&a=2", "a=%", "a=%4", "a=%zz", "%ff=1", "a=%C3"])
    func repeatedOrBrokenPairsAreRefused(_ body: String) {
        #expect(throws: OAuthError.self) { _ = try FormURLEncoded.parse(body) }
    }
}
