import Hummingbird

/// Messages shown after a form redirects. The redirect carries a fixed code (`?done=saved`), never text, so a
/// crafted link cannot put words on the page.
enum ConsoleFlash {
    static let messages: [String: String] = [
        "saved": "Permissions saved. They apply to the account's next API call.",
        "project-added": "Added to the project.",
        "project-removed": "Removed from the project.",
        "retired": "Secret retired. Tokens it issued no longer matter once they expire; the secret itself is refused now.",
        "disabled": "The account is disabled: its tokens and its secret are refused from now on.",
        "enabled": "The account is enabled. Tokens issued before it was disabled stay invalid; request a new one.",
        "deleted": "The service account was deleted.",
        "added": "Added to the directory.",
        "template-created": "Template created.",
        "template-deleted": "Template deleted.",
        "template-saved": "Template saved. Every membership that uses it has the new levels from its next API call.",
        "listing": "Listing saved.",
        "joined": "Invitation accepted: you now work on the app.",
        "version": "Version added. Promote it when companies may install it.",
        "promoted": "Promoted. Company admins can install it with its version key.",
        "jwks": "JWKS saved. The app can now authenticate with private_key_jwt.",
        "installed": "Installed. Choose its permitted projects below.",
        "permitted": "Permitted projects saved. They apply to the app's next API call.",
        "updated": "Updated. Its permitted projects were kept with the new version's levels.",
        "uninstalled": "Uninstalled. The app's calls in this company are refused from now on.",
        "membership-saved": "Membership saved. It applies to the account's next API call.",
        "already-sent": "That form was already sent, so it was not sent again. This is where the first one led.",
        "usage-applied": "Permissions lowered to what the account used. Calls that need a lowered permission are refused from now on.",
        "usage-nothing": "Nothing to lower: every permission was used in the window.",
        "migrated": "Migrated: the app's DMSA version is installed and the traditional account is disabled.",
    ]

    static func from(_ request: Request) -> Renderer.Flash? {
        guard let code = request.uri.queryParameters["done"].map(String.init), let text = messages[code] else { return nil }
        return Renderer.Flash(text: text, isError: false)
    }
}
