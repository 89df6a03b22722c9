"""The console in a hurried admin's hands (issue 26): no silent wrong grant, memberships edited in place, a
confirmation before anything that removes or ends something, pages for wrong addresses, sessions that end politely,
and a builder that starts from the last version. Every page visited gets an axe-core run."""
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_apps import accessible
from test_console import ADMIN, go, sign_in


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NoRedirect = urllib.request.build_opener(_NoRedirect)


def levels(http, company, contact, project):
    """The contact's levels on the project, as the REST API's permission check sees them: from the admin API."""
    members = http.admin("GET", f"/projects/{project}/memberships")
    for member in members:
        if member["id"] == contact:
            return member
    return None


def test_explicit_levels_are_never_replaced_by_a_template(driver, server, screenshots):
    http, company, tower = server["http"], server["company"], server["tower"]
    account = http.admin("POST", f"/companies/{company}/service_accounts", {"name": "Explicit Levels"})
    token = http.token(account["client_id"], account["client_secret"])
    sign_in(driver, server, ADMIN)
    page = f"{server['base']}/companies/{company}/service_accounts/{account['id']}"
    driver.get(page)
    form = driver.find_element(By.ID, "add-project")
    # The template select starts at "Explicit levels": levels set below are what is applied.
    assert Select(form.find_element(By.ID, "template-id")).first_selected_option.get_attribute("value") == ""
    Select(form.find_element(By.ID, "project-id")).select_by_value(str(tower))
    Select(form.find_element(By.NAME, "level[rfi]")).select_by_value("standard")
    go(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Added to the project" in driver.find_element(By.ID, "flash").text
    created = http.call("POST", f"/rest/v1.0/projects/{tower}/rfis", {"rfi": {"subject": "Explicit", "question": {"body": "?"}}},
                        {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company)})[0]
    assert created == 201, "standard on RFIs, as chosen, not the template's readonly"

    # Choosing both is a field error, and nothing changes.
    harbor = server["harbor"]
    form = driver.find_element(By.ID, "add-project")
    Select(form.find_element(By.ID, "project-id")).select_by_value(str(harbor))
    Select(form.find_element(By.ID, "template-id")).select_by_value(str(server["template"]))
    Select(form.find_element(By.NAME, "level[rfi]")).select_by_value("admin")
    go(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "not both" in driver.find_element(By.ID, "flash").text
    assert driver.find_element(By.ID, "template-id-error")
    accessible(driver, screenshots, "22-membership-both-chosen")
    assert http.rest(f"/rest/v1.0/projects/{harbor}/rfis", token, company) == 403


def test_a_membership_is_edited_in_place_and_removed_after_a_confirmation(driver, server, screenshots):
    http, company, tower = server["http"], server["company"], server["tower"]
    account = http.admin("POST", f"/companies/{company}/service_accounts", {"name": "In Place"})
    contact = account["contact"]["id"]
    http.admin("POST", f"/projects/{tower}/memberships", {"person_id": contact, "tools": {"rfi": "admin"}})
    token = http.token(account["client_id"], account["client_secret"])
    sign_in(driver, server, ADMIN)
    driver.get(f"{server['base']}/companies/{company}/service_accounts/{account['id']}")
    # Switch the membership to the template in place: RFIs drop from admin to the template's readonly.
    Select(driver.find_element(By.ID, f"membership-template-{tower}")).select_by_value(str(server["template"]))
    go(driver, driver.find_element(By.ID, f"save-membership-{tower}"))
    assert "Membership saved" in driver.find_element(By.ID, "flash").text
    assert (levels(http, company, contact, tower)["permission_template"] or {}).get("id") == server["template"]
    assert http.rest(f"/rest/v1.0/projects/{tower}/rfis", token, company) == 200
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", driver.find_element(By.ID, f"membership-template-{tower}"))
    accessible(driver, screenshots, "28-membership-in-place")

    # Remove goes through a confirmation that names the project.
    go(driver, driver.find_element(By.ID, f"remove-membership-{tower}"))
    assert "Riverside Tower" in driver.find_element(By.TAG_NAME, "h1").text
    accessible(driver, screenshots, "23-remove-membership-confirmation")
    go(driver, driver.find_element(By.ID, "confirm"))
    assert levels(http, company, contact, tower) is None
    assert http.rest(f"/rest/v1.0/projects/{tower}/rfis", token, company) == 403


def test_dangerous_actions_ask_first(driver, server, screenshots):
    http, company = server["http"], server["company"]
    template = http.admin("POST", f"/companies/{company}/permission_templates", {"name": "Short Lived", "tools": {"rfi": "readonly"}})["id"]
    account = http.admin("POST", f"/companies/{company}/service_accounts", {"name": "Two Secrets"})
    rotated = http.admin("POST", f"/companies/{company}/service_accounts/{account['id']}/rotate_secret", {"previous_expires_in": 3600})
    old_secret = min(s["id"] for s in rotated["secrets"])
    sign_in(driver, server, ADMIN)

    driver.get(f"{server['base']}/companies/{company}/permission_templates")
    go(driver, driver.find_element(By.ID, f"delete-template-{template}"))
    assert "Short Lived" in driver.find_element(By.TAG_NAME, "h1").text
    accessible(driver, screenshots, "24-delete-template-confirmation")
    go(driver, driver.find_element(By.ID, "confirm"))
    assert all(t["id"] != template for t in http.admin("GET", f"/companies/{company}/permission_templates"))

    driver.get(f"{server['base']}/companies/{company}/service_accounts/{account['id']}")
    go(driver, driver.find_element(By.ID, f"retire-secret-{old_secret}"))
    assert "secret #%d" % old_secret in driver.find_element(By.TAG_NAME, "h1").text
    accessible(driver, screenshots, "25-retire-secret-confirmation")
    go(driver, driver.find_element(By.ID, "confirm"))
    assert http.token_status(account["client_id"], account["client_secret"])[0] == 401

    # Migrate: installs the app and disables the account, so it asks first, and says so.
    driver.get(f"{server['base']}/companies/{company}/migration")
    migrate = driver.find_elements(By.CSS_SELECTOR, "a[id^=migrate-]")
    for link in migrate:
        assert "danger" in link.get_attribute("class")
    accessible(driver, screenshots, "11-migration")


def test_wrong_addresses_get_pages(driver, server, screenshots):
    driver.get(server["base"] + "/no/such/page")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Not found"
    assert driver.find_elements(By.ID, "sign-out") == []
    accessible(driver, screenshots, "26-not-found-signed-out")
    sign_in(driver, server, ADMIN)
    driver.get(server["base"] + "/no/such/page")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Not found"
    assert driver.find_element(By.ID, "sign-out"), "inside the layout when signed in"
    accessible(driver, screenshots, "26-not-found")
    driver.get(server["base"] + "/logout")
    assert driver.find_element(By.TAG_NAME, "h1").text == "This page does not take that request"
    # Clients that ask for JSON, and the API paths, keep the JSON error.
    request = urllib.request.Request(server["base"] + "/no/such/page", headers={"Accept": "application/json"})
    try:
        urllib.request.urlopen(request)
    except urllib.error.HTTPError as error:
        assert error.code == 404 and error.headers["Content-Type"].startswith("application/json")
    request = urllib.request.Request(server["base"] + "/rest/v1.0/nothing", headers={"Accept": "text/html"})
    try:
        urllib.request.urlopen(request)
    except urllib.error.HTTPError as error:
        assert error.code == 404 and error.headers["Content-Type"].startswith("application/json")


def test_sessions_end_politely_and_return_to_the_page(driver, server, screenshots):
    company = server["company"]
    sign_in(driver, server, ADMIN)
    target = f"/companies/{company}/directory"
    driver.get(server["base"] + target)
    # The session ends (as after idle or absolute expiry): the next page says so, and signing in returns here.
    driver.delete_cookie("gh_session")
    driver.add_cookie({"name": "gh_session", "value": "expired-session-id", "path": "/"})
    driver.get(server["base"] + target)
    assert "session ended" in driver.find_element(By.ID, "flash").text
    accessible(driver, screenshots, "27-session-ended")
    driver.find_element(By.ID, "email").send_keys(ADMIN)
    from conftest import PASSWORD
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    go(driver, driver.find_element(By.ID, "sign-in"))
    assert driver.current_url == server["base"] + target
    # Sign-out says it signed out.
    go(driver, driver.find_element(By.ID, "sign-out"))
    assert "signed out" in driver.find_element(By.ID, "flash").text
    # Never an open redirect: another origin in `next` lands on the home page.
    driver.get(server["base"] + "/login?next=//evil.example/")
    driver.find_element(By.ID, "email").send_keys(ADMIN)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    go(driver, driver.find_element(By.ID, "sign-in"))
    assert driver.current_url.startswith(server["base"] + "/")
    assert "evil.example" not in driver.current_url


def test_a_new_version_starts_from_the_last_one(driver, server, screenshots):
    http = server["http"]
    app = http.admin("POST", "/apps", {"name": "Builder Memory"})
    http.admin("POST", f"/apps/{app['id']}/versions", {"version": "1.0.0", "manifest": {
        "schema_version": "4.1", "components": {"data_connector": {"service_account": True}},
        "permissions": {"company": {"directory": "readonly"}, "project": {"rfi": "standard"}}}})
    http.admin("POST", f"/apps/{app['id']}/collaborators", {"email": "dev@apps.test"})
    sign_in(driver, server, "dev@apps.test")
    driver.get(f"{server['base']}/developer/apps")
    invitation = driver.find_elements(By.CSS_SELECTOR, "button[id^=accept-invitation]")
    if invitation:
        go(driver, invitation[0])
    driver.get(f"{server['base']}/developer/apps/{app['id']}/versions/new")
    assert Select(driver.find_element(By.NAME, "company_tool[directory]")).first_selected_option.get_attribute("value") == "readonly"
    assert Select(driver.find_element(By.NAME, "project_tool[rfi]")).first_selected_option.get_attribute("value") == "standard"
    accessible(driver, screenshots, "12-permissions-builder")


def test_long_names_wrap_and_nothing_scrolls_sideways(driver, server, screenshots):
    http, company = server["http"], server["company"]
    long_name = "Integration" + "X" * 85
    account = http.admin("POST", f"/companies/{company}/service_accounts", {"name": long_name})
    driver.set_window_size(1366, 900)
    sign_in(driver, server, ADMIN)
    base = f"{server['base']}/companies/{company}"
    for path in ["/service_accounts", f"/service_accounts/{account['id']}", "/audit", "/permission_templates", "/migration", "/directory"]:
        driver.get(base + path)
        wide = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{path} scrolls sideways by {wide}px"
    driver.get(base + "/service_accounts?q=nothing-matches-this")
    assert "No service accounts match “nothing-matches-this”." in driver.page_source
    driver.get(base + f"/service_accounts/{account['id']}")
    assert "Custom integration" in driver.page_source
    accessible(driver, screenshots, "29-long-name")


def test_one_submit_one_effect(driver, server, screenshots):
    http, company = server["http"], server["company"]
    sign_in(driver, server, ADMIN)
    driver.get(f"{server['base']}/companies/{company}/service_accounts/new")
    driver.find_element(By.ID, "name").send_keys("Twice Sent")
    # The button is disabled once the form is on its way.
    disabled = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const button = document.getElementById('create');
        button.form.addEventListener('submit', event => event.preventDefault(), {once: true});
        button.click();
        setTimeout(() => done(button.disabled), 100);""")
    assert disabled
    # The same form posted twice, as a double click without the script would (the page's policy keeps scripts from
    # posting, so the two posts go from here, with the browser's session and the form's fields): one account.
    form = driver.find_element(By.ID, "create").find_element(By.XPATH, "./ancestor::form")
    fields = {e.get_attribute("name"): e.get_attribute("value") for e in form.find_elements(By.CSS_SELECTOR, "input[name]")}
    cookie = driver.get_cookie("gh_session")["value"]
    statuses = []
    for _ in range(2):
        request = urllib.request.Request(form.get_attribute("action"), data=urllib.parse.urlencode(fields).encode(), method="POST",
                                         headers={"Cookie": f"gh_session={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
        try:
            statuses.append(NoRedirect.open(request).status)
        except urllib.error.HTTPError as answer:
            statuses.append(answer.code)
    assert statuses == [200, 303], statuses
    made = [a for a in http.admin("GET", f"/companies/{company}/service_accounts?per_page=1000") if a["name"] == "Twice Sent"]
    assert len(made) == 1, made
    driver.get(f"{server['base']}/companies/{company}/service_accounts/{made[0]['id']}?done=already-sent")
    assert "already sent" in driver.find_element(By.ID, "flash").text
    accessible(driver, screenshots, "30-already-sent")


def test_the_audit_reads_in_names(driver, server, screenshots):
    company = server["company"]
    sign_in(driver, server, ADMIN)
    base = f"{server['base']}/companies/{company}/audit"
    driver.get(base + "?actor=CASEY")
    names = [s.text for s in driver.find_elements(By.CSS_SELECTOR, "td details summary")]
    assert names and "Casey Admin" in names, names
    first = driver.find_element(By.CSS_SELECTOR, "td details")
    first.find_element(By.TAG_NAME, "summary").click()
    assert first.find_element(By.TAG_NAME, "code").text.startswith("person:"), "the recorded id, one click away"
    accessible(driver, screenshots, "10-audit")
    driver.get(base + "?since=2026-02-01T00:00&until=2026-01-01T00:00")
    assert "inverted" in driver.find_element(By.ID, "filter-error").text
    accessible(driver, screenshots, "31-audit-inverted-range")
