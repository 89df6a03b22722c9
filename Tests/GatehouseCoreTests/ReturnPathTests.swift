import GatehouseCore
import Testing

@Suite("Return path after sign-in")
struct ReturnPathTests {
    @Test(arguments: ["/companies/1/directory", "/companies/1/audit?actor=dana&page=2", "/", "/developer/apps/3#versions"])
    func sameOriginPathsAreKept(_ path: String) {
        #expect(ReturnPath.validated(path) == path)
    }

    @Test(arguments: ["", "companies/1", "//evil.example/", "/\\evil.example", "https://evil.example/", "/a\\b", "/a b", "/a\nb",
                      "/login", "/login?next=/x", "/logout", "/" + String(repeating: "a", count: 2_000)])
    func anythingElseIsRefused(_ path: String) {
        #expect(ReturnPath.validated(path) == nil)
    }

    @Test func nilIsNil() { #expect(ReturnPath.validated(nil) == nil) }
}
