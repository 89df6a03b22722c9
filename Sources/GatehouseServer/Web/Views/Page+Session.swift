extension Page {
    /// `login`.
    struct Login: PageView {
        static let template = "login"
        let csrf: String
        let email: String
        let error: String?
        /// "Your session ended…", "You signed out."
        let notice: String?
        /// The same-origin path to return to after signing in.
        let next: String?
    }

    /// `home`: the companies the user administers.
    struct Home: PageView {
        static let template = "home"
        let name: String
        let email: String
        let hasCompanies: Bool
        let companies: [Choice]
    }

    /// `migration-guide`: the page the `Link: rel="deprecation"` header points to.
    struct MigrationGuide: PageView {
        static let template = "migration-guide"
        let deprecated: String
        let blocked: String
        let sunset: String
        let phase: String
    }

    /// `api-reference`: the OpenAPI document as a page.
    struct APIReference: PageView {
        static let template = "api-reference"

        struct Tag: Encodable, Sendable {
            let name: String
            let anchor: String
            let operations: [Operation]
        }

        struct Operation: Encodable, Sendable {
            let method: String
            let path: String
            let summary: String
            let operationId: String
            /// Never nil: a nil value would make Mustache look the key up in the enclosing views, and show the
            /// document's own description instead.
            let description: String
            let hasDescription: Bool
            let parameters: [Parameter]
            let hasParameters: Bool
            let security: String
            let body: Body?
            let responses: [Response]
        }

        struct Parameter: Encodable, Sendable {
            let name: String
            let `in`: String
            let type: String
            let required: String
            let description: String
        }

        struct Body: Encodable, Sendable {
            let contentType: String
            let schema: String
        }

        struct Response: Encodable, Sendable {
            let status: String
            let description: String
            let schema: String?
        }

        struct Schema: Encodable, Sendable {
            let name: String
            let json: String
        }

        let title: String
        let summary: String
        let description: String
        let openapi: String
        let tags: [Tag]
        let schemas: [Schema]
    }
}
