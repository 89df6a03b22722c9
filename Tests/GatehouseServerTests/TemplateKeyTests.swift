import Foundation
@testable import GatehouseServer
import Testing

/// Every page renders a typed view (`Page.*`). Mustache prints a key it cannot find as nothing, so these checks
/// keep templates and views in step: every view names a template that exists, every page template has its view,
/// and every key a template reads is a stored property some view declares.
@Suite("Template keys")
struct TemplateKeyTests {
    static let views: [any PageView.Type] = [
        Page.Layout.self, Page.Confirm.self, Page.SecretShown.self, Page.Error.self,
        Page.ServiceAccounts.self, Page.ServiceAccountNew.self, Page.ServiceAccount.self, Page.UsageApply.self,
        Page.Directory.self, Page.Templates.self, Page.TemplateEdit.self, Page.Audit.self, Page.Migration.self,
        Page.Apps.self, Page.InstallReview.self, Page.Installation.self, Page.UpdateReview.self,
        Page.MembershipEdit.self, Page.DeveloperApps.self, Page.DeveloperAppNew.self, Page.DeveloperApp.self, Page.VersionBuilder.self, Page.Marketplace.self,
        Page.Login.self, Page.Home.self, Page.MigrationGuide.self, Page.APIReference.self,
    ]

    static let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/GatehouseServer/Web")

    static func templates() throws -> [String: String] {
        let folder = web.appendingPathComponent("Templates")
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            result[String(name.dropLast(".mustache".count))] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        return result
    }

    /// The names a template reads: `{{name}}`, `{{{name}}}`, `{{#name}}`, `{{^name}}`; not partials, closings,
    /// comments or `{{.}}`. A dotted name counts by its first part.
    static func keys(of template: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: #"\{\{\{?\s*([#^]?)\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}?\}\}"#)
        let range = NSRange(template.startIndex..., in: template)
        return Set(pattern.matches(in: template, range: range).compactMap { match in
            Range(match.range(at: 2), in: template).map { String(template[$0].split(separator: ".")[0]) }
        })
    }

    /// Stored properties (`let name:` / `var name:`) declared by the view sources and `ToolField`.
    static func declaredProperties() throws -> Set<String> {
        let files = try FileManager.default.contentsOfDirectory(atPath: web.appendingPathComponent("Views").path)
            .map { web.appendingPathComponent("Views").appendingPathComponent($0) } + [web.appendingPathComponent("Console/ToolField.swift")]
        let pattern = try NSRegularExpression(pattern: #"(?:let|var)\s+`?([A-Za-z_][A-Za-z0-9_]*)`?\s*:"#)
        var names: Set<String> = []
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                if let range = Range(match.range(at: 1), in: source) { names.insert(String(source[range])) }
            }
        }
        return names
    }

    @Test func everyViewHasItsTemplateAndEveryPageTemplateItsView() throws {
        let templates = try Self.templates()
        let claimed = Self.views.map { $0.template }
        #expect(Set(claimed).count == claimed.count, "two views share a template")
        for name in claimed { #expect(templates[name] != nil, "no template \(name).mustache") }
        let pages = templates.keys.filter { !$0.hasPrefix("partial-") }
        #expect(Set(pages) == Set(claimed), "templates without a view: \(Set(pages).subtracting(claimed).sorted())")
    }

    @Test func everyKeyATemplateReadsIsDeclaredByAView() throws {
        let declared = try Self.declaredProperties()
        #expect(declared.contains("csrf") && declared.contains("nameError"))
        var unknown: [String] = []
        for (name, text) in try Self.templates().sorted(by: { $0.key < $1.key }) {
            for key in Self.keys(of: text).sorted() where !declared.contains(key) { unknown.append("\(name): \(key)") }
        }
        #expect(unknown.isEmpty, "keys no view declares: \(unknown)")
    }

    /// The check can fail: a misspelled key is caught.
    @Test func aMisspelledKeyIsFound() throws {
        let declared = try Self.declaredProperties()
        let keys = Self.keys(of: "<p>{{nmae}}</p>{{#secrets}}{{created}}{{/secrets}}{{> partial-csrf}}{{! note}}{{.}}")
        #expect(keys == ["nmae", "secrets", "created"])
        #expect(keys.subtracting(declared) == ["nmae"])
    }
}
