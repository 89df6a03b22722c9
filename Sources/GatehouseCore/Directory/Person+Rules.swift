import Foundation

/// The rules for people, in one place: what a user's email and password must be, and the two rules that
/// make a service-account contact what it is (its email never changes, and it never joins another directory).
public enum PersonRules {
    /// bcrypt reads at most 72 bytes; a longer password would be silently truncated, so it is refused.
    public static let passwordBytes = 8...72

    public static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !email.contains(where: \.isWhitespace) && email.textLength <= Limits.email
    }

    /// A user's email: normalized to lower case, plausible, and outside the domain reserved for contacts,
    /// so no human can ever be mistaken for a service account (or sign in as one).
    public static func userEmail(_ raw: String?, contactDomain: String) -> Result<String, FieldProblem> {
        guard let email = cleaned(raw)?.lowercased() else { return .failure(FieldProblem(field: "email", problem: "is required")) }
        guard isPlausibleEmail(email) else { return .failure(FieldProblem(field: "email", problem: "is not an email address")) }
        if email.hasSuffix("@\(contactDomain.lowercased())") || email.hasSuffix(".\(contactDomain.lowercased())") {
            return .failure(FieldProblem(field: "email", problem: "this domain is reserved for service accounts"))
        }
        return .success(email)
    }

    public static func passwordProblem(_ password: String) -> String? {
        if password.utf8.count > passwordBytes.upperBound { return "at most 72 bytes (bcrypt's limit)" }
        if password.textLength < passwordBytes.lowerBound { return "at least 8 characters" }
        return nil
    }

    /// A problem with one field, for rules that validate a single value.
    public struct FieldProblem: Error, Sendable, Equatable {
        public var field: String
        public var problem: String
    }
}

/// A new user as a door submits it.
public struct UserDraft: Sendable, Decodable {
    public var first_name: String?
    public var last_name: String?
    public var email: String?
    public var password: String?
    public var job_title: String?

    public init(first_name: String? = nil, last_name: String? = nil, email: String? = nil, password: String? = nil, job_title: String? = nil) {
        self.first_name = first_name
        self.last_name = last_name
        self.email = email
        self.password = password
        self.job_title = job_title
    }

    /// Checks every field at once, so a form can show every problem together.
    public func validated(contactDomain: String) throws(ValidationError) -> (person: Person, password: String?) {
        var fields: [String: String] = [:]
        let first = cleaned(first_name)
        if first == nil { fields["first_name"] = "is required" }
        var email = ""
        switch PersonRules.userEmail(self.email, contactDomain: contactDomain) {
        case .success(let value): email = value
        case .failure(let problem): fields[problem.field] = problem.problem
        }
        if let password, let problem = PersonRules.passwordProblem(password) { fields["password"] = problem }
        guard fields.isEmpty, let first else { throw ValidationError("invalid user", fields: fields) }
        let person = Person(kind: .user, firstName: first, lastName: cleaned(last_name) ?? "", email: email, jobTitle: cleaned(job_title))
        return (person, password)
    }
}

/// A change to a person as a door submits it; absent fields stay as they are.
public struct PersonPatch: Sendable, Decodable {
    public var first_name: String?
    public var last_name: String?
    public var email: String?
    public var job_title: String?
    public var password: String?
    /// False deactivates a user: no sign-in, and their sessions end.
    public var is_active: Bool?

    public init(first_name: String? = nil, last_name: String? = nil, email: String? = nil, job_title: String? = nil, password: String? = nil,
                is_active: Bool? = nil) {
        self.is_active = is_active
        self.first_name = first_name
        self.last_name = last_name
        self.email = email
        self.job_title = job_title
        self.password = password
    }
}

extension Person {
    /// Applies a patch under the person rules. A contact's email and password are refused here, before any
    /// store is asked, so every door gives the same answer.
    public func applying(_ patch: PersonPatch, contactDomain: String) throws(ValidationError) -> (person: Person, password: String?) {
        var person = self
        var fields: [String: String] = [:]
        if let email = patch.email, cleaned(email)?.lowercased() != self.email {
            if let refusal = emailChangeRefusal {
                throw refusal
            }
            switch PersonRules.userEmail(email, contactDomain: contactDomain) {
            case .success(let value): person.email = value
            case .failure(let problem): fields[problem.field] = problem.problem
            }
        }
        if let password = patch.password {
            if let refusal = passwordRefusal { throw refusal }
            if let problem = PersonRules.passwordProblem(password) { fields["password"] = problem }
        }
        if let first = patch.first_name {
            if let first = cleaned(first) { person.firstName = first } else { fields["first_name"] = "must not be empty" }
        }
        if let last = patch.last_name { person.lastName = cleaned(last) ?? "" }
        if let title = patch.job_title { person.jobTitle = cleaned(title) }
        if let active = patch.is_active, active != isActive {
            // A contact is active exactly while its account or installation is: that is where it is switched.
            if kind == .serviceAccountContact {
                fields["is_active"] = "follows the service account; disable or enable the account instead"
            } else {
                person.isActive = active
            }
        }
        guard fields.isEmpty else { throw ValidationError("invalid person", fields: fields) }
        return (person, patch.password)
    }

    // MARK: the contact rules, side by side

    /// Rule 6: a contact's email is generated and can never change (422).
    public var emailChangeRefusal: ValidationError? {
        kind == .serviceAccountContact
            ? ValidationError("A service account's contact email is generated and can never change", fields: ["email": "cannot change for a service-account contact"])
            : nil
    }

    /// Rule 4: a contact never logs in, so it never has a password.
    public var passwordRefusal: ValidationError? {
        kind == .serviceAccountContact
            ? ValidationError("Service accounts cannot log in, so their contact cannot have a password", fields: ["password": "not allowed for a service-account contact"])
            : nil
    }

    /// Rule 5: a contact belongs to its home company and never joins another directory (409). The message
    /// does not name the home company: the asking admin has no business knowing it.
    public func directoryRefusal(joining companyID: Int64) -> DomainError? {
        guard kind == .serviceAccountContact, homeCompanyID != companyID else { return nil }
        return DomainError(.conflict, "A service account's contact belongs to its own company and cannot join another company's directory",
                           fields: ["person_id": "is a service-account contact of another company"])
    }
}
