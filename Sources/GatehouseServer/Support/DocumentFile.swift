import Foundation
import GatehouseCore
import Yams

/// A Gatehouse-as-code document on disk: YAML or JSON (JSON is YAML, so one parser reads both). Everything is
/// turned into JSON before it reaches ``DeploymentDocument/init(reading:)``, so the file, the CLI and the HTTP body
/// are read by one reader with one set of errors.
public enum DocumentFile {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The document's JSON, ready for `POST /admin/v1/apply`.
    public static func json(fromText text: String) throws -> Data {
        let tree: Any?
        do {
            tree = try Yams.load(yaml: text)
        } catch {
            throw ParseError(description: "not YAML or JSON: \(error)")
        }
        guard let tree else { throw ParseError(description: "the file is empty") }
        let json = try jsonValue(tree, path: "")
        return try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
    }

    /// The document read and checked, for `serve --apply`.
    public static func document(fromText text: String) throws -> DeploymentDocument {
        try DeploymentDocument(reading: try JSONSerialization.jsonObject(with: try json(fromText: text)))
    }

    /// YAML's scalars made JSON's: mapping keys must be strings, and dates and other tags become text.
    private static func jsonValue(_ value: Any, path: String) throws -> Any {
        switch value {
        case let mapping as [AnyHashable: Any]:
            var object: [String: Any] = [:]
            for (key, item) in mapping {
                guard let key = key.base as? String else { throw ParseError(description: "\(path.isEmpty ? "the document" : path): keys must be strings (found \(key.base))") }
                object[key] = try jsonValue(item, path: path.isEmpty ? key : "\(path).\(key)")
            }
            return object
        case let sequence as [Any]:
            return try sequence.enumerated().map { try jsonValue($0.element, path: "\(path)[\($0.offset)]") }
        case let text as String: return text
        case let flag as Bool: return flag
        case let number as Int: return number
        case let number as Double: return number
        case is NSNull: return NSNull()
        case let date as Date: return ISO8601DateFormatter().string(from: date)
        default: return "\(value)"
        }
    }

    /// A document's JSON written as YAML, keys sorted, strings quoted wherever YAML would read them as something else.
    public static func yaml(fromJSON data: Data) throws -> String {
        try Yams.serialize(node: node(try JSONSerialization.jsonObject(with: data)))
    }

    private static func node(_ value: Any) -> Node {
        switch value {
        case let object as [String: Any]:
            return .mapping(Node.Mapping(object.keys.sorted().map { (Node($0), node(object[$0]!)) }))
        case let array as [Any]:
            return .sequence(Node.Sequence(array.map(node)))
        case let number as NSNumber where String(cString: number.objCType) == "c":
            return Node(number.boolValue ? "true" : "false", Tag(.bool))
        case let number as NSNumber:
            return Node(number.stringValue, Tag(.int))
        case let text as String:
            return Node(text, Tag(.str), isPlain(text) ? .plain : .doubleQuoted)
        default:
            return Node("null", Tag(.null))
        }
    }

    private static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]

    private static func isPlain(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter, !reserved.contains(text.lowercased()) else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " @._-/".contains($0)) } && !text.hasSuffix(" ")
    }
}
