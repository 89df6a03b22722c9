import Foundation

/// A request for information: the project tool Gatehouse implements for real, so permission levels have
/// something to gate.
public struct RFI: Sendable, Equatable {
    public var id: Int64
    public var projectID: Int64
    public var number: Int64
    public var subject: String
    public var questionBody: String
    public var status: String
    public var rfiManagerID: Int64?
    public var createdByID: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, projectID: Int64, number: Int64, subject: String, questionBody: String, status: String, rfiManagerID: Int64?, createdByID: Int64, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.projectID = projectID
        self.number = number
        self.subject = subject
        self.questionBody = questionBody
        self.status = status
        self.rfiManagerID = rfiManagerID
        self.createdByID = createdByID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let statuses = ["draft", "open", "closed"]
}

/// RFI rules beyond the gate table's level check: readonly reads, standard creates and edits its own,
/// admin does anything.
public enum RFIPolicy {
    public enum Action: Sendable {
        case read, create, edit, delete
    }

    /// The project `rfi` level an action needs at least. Editing needs standard, and then authorship (``canEdit``).
    public static func minimumLevel(for action: Action) -> PermissionLevel {
        switch action {
        case .read: .readonly
        case .create, .edit: .standard
        case .delete: .admin
        }
    }

    /// The gate an RFI endpoint asks: the project's own `rfi` level, never the company's.
    public static func requirement(for action: Action) -> Requirement {
        .project(.rfi, minimumLevel(for: action), orCompany: false)
    }

    public static func canRead(_ level: PermissionLevel) -> Bool { level >= minimumLevel(for: .read) }
    public static func canCreate(_ level: PermissionLevel) -> Bool { level >= minimumLevel(for: .create) }
    public static func canEdit(_ level: PermissionLevel, isAuthor: Bool) -> Bool { level == .admin || (level == .standard && isAuthor) }
    public static func canDelete(_ level: PermissionLevel) -> Bool { level >= minimumLevel(for: .delete) }
}

/// A person as a member of a company directory or a project, for the users endpoints.
public struct DirectoryMember: Sendable, Equatable {
    public var person: Person
    public var isEmployee: Bool
    public var isActive: Bool
    public var permissionTemplateID: Int64?

    public init(person: Person, isEmployee: Bool, isActive: Bool, permissionTemplateID: Int64? = nil) {
        self.person = person
        self.isEmployee = isEmployee
        self.isActive = isActive
        self.permissionTemplateID = permissionTemplateID
    }
}
