import Hummingbird

extension Request {
    /// An optional integer query parameter. Absent is nil; present but not an integer of at least `minimum` is a
    /// 400 naming the parameter, so `?company_id=` never silently means "no filter".
    func queryInteger(_ name: String, minimum: Int64) throws -> Int64? {
        guard let raw = uri.queryParameters[name[...]] else { return nil }
        guard let number = Int64(raw), number >= minimum else {
            throw APIError.badRequest("\(name) must be an integer of at least \(minimum)", code: "invalid_parameter",
                                      fields: [name: "must be an integer of at least \(minimum)"])
        }
        return number
    }
}
