import GatehouseCore
import Hummingbird

/// A console page's context: the user is signed in, and a POST's form has passed the CSRF check.
struct ConsoleRequestContext: ChildRequestContext, GatehouseRequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let issuer: String
    let remoteAddressString: String?
    let signedIn: SignedIn
    let form: [String: String]
    let adminCompanies: [Company]

    init(context: AppRequestContext) throws {
        guard let signedIn = context.signedIn else { throw ConsoleError.signInRequired }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.issuer = context.issuer
        self.remoteAddressString = context.remoteAddressString
        self.signedIn = signedIn
        self.form = context.form
        self.adminCompanies = context.adminCompanies
    }

    var csrf: String { signedIn.session.csrfToken }
    var caller: Caller { caller(.user(personID: signedIn.person.id)) }
    func frame(section: String? = nil, flash: Renderer.Flash? = nil) -> Renderer.Frame {
        Renderer.Frame(signedIn: signedIn, company: nil, companies: adminCompanies, section: section, flash: flash)
    }
}

/// A console page under `/companies/{cid}`: the user administers this company.
struct ConsoleCompanyContext: ChildRequestContext, GatehouseRequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let issuer: String
    let remoteAddressString: String?
    let signedIn: SignedIn
    let form: [String: String]
    let adminCompanies: [Company]
    let company: Company

    init(context: AppRequestContext) throws {
        guard let signedIn = context.signedIn else { throw ConsoleError.signInRequired }
        guard let company = context.company else { throw ConsoleError.notFound("company") }
        self.coreContext = context.coreContext
        self.requestID = context.requestID
        self.issuer = context.issuer
        self.remoteAddressString = context.remoteAddressString
        self.signedIn = signedIn
        self.form = context.form
        self.adminCompanies = context.adminCompanies
        self.company = company
    }

    var csrf: String { signedIn.session.csrfToken }
    var caller: Caller { Caller(.user(personID: signedIn.person.id), remoteAddress: remoteAddressString, requestID: requestID, companyID: company.id) }
    func frame(_ section: String, flash: Renderer.Flash? = nil) -> Renderer.Frame {
        Renderer.Frame(signedIn: signedIn, company: company, companies: adminCompanies, section: section, flash: flash)
    }
}

/// Errors only the console raises; everything else renders through ``ConsoleSession``'s error page.
enum ConsoleError: Error {
    case signInRequired
    case notFound(String)
    case forbidden(String)
    case csrf
}
