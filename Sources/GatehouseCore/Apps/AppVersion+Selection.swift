/// Which version of an app is "the latest", and which moves between versions are allowed.
extension Collection where Element == AppVersion {
    /// The newest DMSA version: promoted versions first, then by semantic version. Migration installs it, and
    /// an installation offers it as its update.
    public var latestDMSA: AppVersion? {
        filter(\.isDMSA).max { a, b in
            if (a.status == .promoted) != (b.status == .promoted) { return b.status == .promoted }
            guard let x = SemanticVersion(a.version), let y = SemanticVersion(b.version) else { return false }
            return x < y
        }
    }

    /// Whether any version is promoted, which is what puts an app on the marketplace.
    public var hasPromoted: Bool { contains { $0.status == .promoted } }
}

extension AppVersion {
    /// An upgrade must move to a newer version of the same app; anything else is refused with the field
    /// that is wrong.
    public func upgradeRefusal(to target: AppVersion) -> ValidationError? {
        guard target.appID == appID else {
            return ValidationError("the version belongs to another app", fields: ["version_key": "belongs to another app"])
        }
        guard let from = SemanticVersion(version), let to = SemanticVersion(target.version), from < to else {
            return ValidationError("upgrade needs a newer version", fields: ["version_key": "is not newer than the installed version"])
        }
        return nil
    }
}
