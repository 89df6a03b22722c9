extension Migrations {
    /// Whether an operator linked a traditional account to its app. A company admin may link only an app listed in
    /// the marketplace; an operator may link any, and only such a link lets `migrate` install an unlisted app.
    /// Existing links count as the company admin's: the safe reading, since nobody recorded who made them.
    static let appLinks = Migration(version: 9, name: "app_links") { _ in
        ["ALTER TABLE service_accounts ADD COLUMN app_linked_by_operator BOOLEAN NOT NULL DEFAULT FALSE"]
    }
}
