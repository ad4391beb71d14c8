/// The HTML the simulator serves, modelled on a Microsoft "My Sign-Ins" portal
/// and the nginx in front of it.
enum Pages {
    /// The healthy portal page (`/`, `/ok`, `/slow`, `/flaky`, `/headers`).
    static let ok = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>My Sign-Ins</title>
        <style>body{font-family:"Segoe UI",sans-serif;margin:2em}</style>
        </head>
        <body>
        <header><h1>My Sign-Ins</h1></header>
        <nav><a href="/ok">Overview</a> | <a href="/ok#security-info">Security info</a></nav>
        <main>
        <h2 id="security-info">Security info</h2>
        <p>These are the methods you use to sign into your account or reset your password.</p>
        <button type="button">Add sign-in method</button>
        <ul>
        <li>Phone: +1 555 0100</li>
        <li>Microsoft Authenticator</li>
        </ul>
        </main>
        </body>
        </html>

        """

    /// The identity provider's sign-in page that `/redirect-login` sends clients to.
    static let login = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Sign in to your account</title>
        </head>
        <body>
        <div id="lightbox">
        <h1>Sign in</h1>
        <div role="heading">Pick an account</div>
        <ul><li>someone@example.com</li><li>Use another account</li></ul>
        <a href="/login/">Can't access your account?</a>
        </div>
        </body>
        </html>

        """

    /// A sign-in error page served with status 200.
    static let error = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Sign in to your account</title>
        </head>
        <body>
        <h1>Sign in</h1>
        <div id="error">
        <h2>Something went wrong</h2>
        <p>AADSTS50058: A silent sign-in request was sent but no user is signed in.</p>
        <p>Request Id: 00000000-0000-0000-0000-000000000000</p>
        </div>
        </body>
        </html>

        """

    /// A single-page-app shell: the marker is in the raw body, but no visible text.
    static let spa =
        #"<!DOCTYPE html><html><head><meta charset="utf-8">"#
        + #"<script>window.__CONFIG__={"appName":"My Sign-Ins"}</script><script src="/app.js"></script>"#
        + #"<style>body{margin:0}</style></head><body><div id="root"></div>"#
        + #"<noscript>You need to enable JavaScript to run this app.</noscript></body></html>"#

    /// A 200 page with nothing a person could read.
    static let blank = """
        <!DOCTYPE html><html><head><title></title></head><body>
          <div>&nbsp;</div><!-- nothing --></body></html>
        """

    /// nginx's error page for `code`.
    static func status(_ code: Int) -> String {
        let title = "\(code) \(HTTPStatus.reason(code))"
        return "<html><head><title>\(title)</title></head><body><center><h1>\(title)</h1></center></body></html>"
    }

    /// The body of a redirect.
    static func redirect(to location: String) -> String {
        let href = escape(location)
        return "<html><head><title>302 Found</title></head><body>Redirecting to <a href=\"\(href)\">\(href)</a>"
            + "</body></html>"
    }

    private static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
