/// The length limits of names and fields, in code points as sent (``requiredName(_:maxLength:)``). The services
/// enforce them and the OpenAPI document states them; a test compares the two, so neither drifts.
public enum Limits {
    public static let companyName = 200
    public static let projectName = 200
    /// Every other project field: display name, number, stage, address, city, state, country, zip, time zone.
    public static let projectField = 255
    public static let templateName = 200
    public static let appName = 100
    public static let serviceAccountName = ServiceAccountDraft.nameLength.upperBound
    public static let email = 254
    public static let rfiSubject = RFIDraft.subjectLength.upperBound
}
