"""Part 2: a developer builds and promotes an app in the portal; a company admin installs it in App Management."""
import json

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_console import ADMIN, go, shot, sign_in

DEVELOPER = "dev@apps.test"


def accessible(driver, screenshots, name):
    """Saves a screenshot of the page, then fails on any axe-core violation on it, whatever its impact."""
    shot(driver, screenshots, name)
    axe = Axe(driver)
    axe.inject()
    bad = [f"{v['id']} ({v.get('impact')}): {v['help']}" for v in axe.run()["violations"]]
    assert not bad, f"{driver.current_url}: " + "; ".join(bad)


def build_version(driver, version, company, project):
    go(driver, driver.find_element(By.ID, "new-version"))
    driver.find_element(By.ID, "version").send_keys(version)
    for tool, level in company.items():
        Select(driver.find_element(By.NAME, f"company_tool[{tool}]")).select_by_value(level)
    for tool, level in project.items():
        Select(driver.find_element(By.NAME, f"project_tool[{tool}]")).select_by_value(level)
    return json.loads(driver.find_element(By.ID, "manifest-json").text)


def test_developer_builds_admin_installs_and_the_api_follows(driver, server, screenshots):
    http, company, tower, harbor = server["http"], server["company"], server["tower"], server["harbor"]

    # As the developer: create the app, build 1.0.0 in the builder, add it, promote it, copy its key.
    sign_in(driver, server, DEVELOPER)
    driver.get(server["base"] + "/developer/apps")
    go(driver, driver.find_element(By.ID, "new-app"))
    accessible(driver, screenshots, "11a-new-app")
    driver.find_element(By.ID, "name").send_keys("Field Sync")
    go(driver, driver.find_element(By.ID, "create"))
    client_id = driver.find_element(By.ID, "client-id").text.strip()
    secret = driver.find_element(By.ID, "client-secret").text.strip()
    go(driver, driver.find_element(By.LINK_TEXT, "Continue to the app"))
    app_url = driver.current_url
    manifest = build_version(driver, "1.0.0", {"directory": "readonly"}, {"rfi": "standard"})
    assert manifest["permissions"] == {"company": {"directory": "readonly"}, "project": {"rfi": "standard"}}, "the builder shows the manifest it produces"
    accessible(driver, screenshots, "12-permissions-builder")
    go(driver, driver.find_element(By.ID, "create"))
    go(driver, driver.find_element(By.ID, "promote"))
    key = driver.find_element(By.ID, "app-version-key").text.strip()
    accessible(driver, screenshots, "13-developer-app")

    # As the company admin: install by key, review the permissions, confirm, choose one permitted project.
    sign_in(driver, server, ADMIN)
    driver.get(f"{server['base']}/companies/{company}/apps")
    accessible(driver, screenshots, "14a-app-management")
    driver.find_element(By.ID, "version-key").send_keys(key)
    go(driver, driver.find_element(By.ID, "install"))
    assert "Directory: Read Only" in driver.find_element(By.ID, "company-permissions").text
    assert "RFIs: Standard" in driver.find_element(By.ID, "project-permissions").text
    accessible(driver, screenshots, "14-install-review")
    go(driver, driver.find_element(By.ID, "confirm"))
    installation_url = driver.current_url
    driver.find_element(By.NAME, f"project[{tower}]").click()
    go(driver, driver.find_element(By.ID, "save-permitted-projects"))
    accessible(driver, screenshots, "15-installation")
    driver.get(f"{server['base']}/companies/{company}/apps")
    assert "Casey Admin" in driver.find_element(By.TAG_NAME, "tbody").text, "Installed by reads as a name"

    # With the app's credentials over HTTP.
    token = http.token(client_id, secret)
    status, companies = http.call("GET", "/rest/v1.0/companies", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and [c["id"] for c in companies] == [company]
    assert http.rest(f"/rest/v1.0/projects/{tower}/rfis", token, company) == 200
    assert http.rest(f"/rest/v1.0/projects/{harbor}/rfis", token, company) == 403

    # As the developer: 1.1.0 asks for RFIs admin; as the admin: see the change, confirm, the project stays permitted.
    sign_in(driver, server, DEVELOPER)
    driver.get(app_url)
    build_version(driver, "1.1.0", {"directory": "readonly"}, {"rfi": "admin"})
    go(driver, driver.find_element(By.ID, "create"))
    go(driver, driver.find_element(By.ID, "promote"))
    sign_in(driver, server, ADMIN)
    driver.get(installation_url)
    go(driver, driver.find_element(By.ID, "update"))
    assert "RFIs at project level: Standard → Admin" in driver.find_element(By.ID, "changes").text
    accessible(driver, screenshots, "16-update-review")
    go(driver, driver.find_element(By.ID, "confirm"))
    assert driver.find_element(By.NAME, f"project[{tower}]").is_selected()
    assert http.rest(f"/rest/v1.0/projects/{tower}/rfis", token, company) == 200

    # Rotate the app secret in the portal: both secrets work.
    sign_in(driver, server, DEVELOPER)
    driver.get(app_url)
    go(driver, driver.find_element(By.ID, "rotate-secret"))
    new_secret = driver.find_element(By.ID, "client-secret").text.strip()
    assert http.token_status(client_id, secret)[0] == 200
    assert http.token_status(client_id, new_secret)[0] == 200

    # A private JWK is refused, with the reason beside the field.
    driver.get(app_url)
    driver.find_element(By.ID, "jwks").send_keys('{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"BBBB","d":"secret"}]}')
    go(driver, driver.find_element(By.ID, "save-jwks"))
    assert "public keys only" in driver.find_element(By.ID, "jwks-error").text

    # A manifest error is shown next to its field.
    driver.get(app_url)
    go(driver, driver.find_element(By.ID, "new-version"))
    driver.find_element(By.ID, "version").send_keys("not-a-version")
    go(driver, driver.find_element(By.ID, "create"))
    assert "semantic version" in driver.find_element(By.ID, "version-error").text

    # As the admin: uninstall, and the app's calls get the exact 403 message.
    sign_in(driver, server, ADMIN)
    driver.get(installation_url)
    go(driver, driver.find_element(By.ID, "uninstall"))
    assert "App is not connected to this company" in driver.page_source
    accessible(driver, screenshots, "17-uninstall-confirmation")
    go(driver, driver.find_element(By.ID, "confirm"))
    fresh = http.token(client_id, new_secret)
    status, body = http.call("GET", f"/rest/v1.0/projects/{tower}/rfis", headers={"Authorization": f"Bearer {fresh}", "Procore-Company-Id": str(company)})
    assert status == 403 and body["error"]["message"] == "App is not connected to this company"


def test_the_new_pages_have_no_accessibility_violations(driver, server, screenshots):
    sign_in(driver, server, DEVELOPER)
    failures = []
    for name, path in {"18-my-apps": "/developer/apps", "new-app": "/developer/apps/new", "19-marketplace": "/marketplace"}.items():
        driver.get(server["base"] + path)
        if name[0].isdigit():
            shot(driver, screenshots, name)
        axe = Axe(driver)
        axe.inject()
        failures += [f"{path}: {v['id']} ({v.get('impact')}): {v['help']}" for v in axe.run()["violations"]]
    driver.get(server["base"] + "/developer/apps")
    links = driver.find_elements(By.CSS_SELECTOR, "main table a")
    developer_pages = [a.get_attribute("href") for a in links][:1]
    for url in developer_pages + [developer_pages[0] + "/versions/new", developer_pages[0] + "/reset_secret"] if developer_pages else []:
        driver.get(url)
        axe = Axe(driver)
        axe.inject()
        failures += [f"{url}: {v['id']} ({v.get('impact')}): {v['help']}" for v in axe.run()["violations"]]
    sign_in(driver, server, ADMIN)
    driver.get(f"{server['base']}/companies/{server['company']}/apps")
    pages = [driver.current_url] + [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main table a")]
    for url in pages:
        driver.get(url)
        axe = Axe(driver)
        axe.inject()
        failures += [f"{url}: {v['id']} ({v.get('impact')}): {v['help']}" for v in axe.run()["violations"]]
    assert not failures, "\n".join(failures)
