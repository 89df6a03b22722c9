extension Migrations {
    /// The developer portal's listing fields: a description, and whether the app is listed on the marketplace.
    static let appListing = Migration(version: 6, name: "app_listing") { _ in
        [
            "ALTER TABLE apps ADD COLUMN description TEXT",
            "ALTER TABLE apps ADD COLUMN listed BOOLEAN NOT NULL DEFAULT FALSE",
        ]
    }
}
