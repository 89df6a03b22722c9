"""The console as a company admin uses it, in a real browser, checked against the live HTTP API."""
import urllib.error
import urllib.parse
import urllib.request

import pytest
from axe_selenium_python import Axe
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import PASSWORD

ADMIN = "casey@riverside.test"
USER = "robin@riverside.test"


def sign_in(driver, server, email, password=PASSWORD):
    driver.get(server["base"] + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    button = driver.find_element(By.ID, "sign-in")
    button.click()
    # bcrypt takes a moment: wait until the sign-in page has been replaced.
    WebDriverWait(driver, 15).until(replaced(button))
    WebDriverWait(driver, 15).until(loaded)


def replaced(page):
    """A wait condition: the old page's root element no longer belongs to the document. Chromium sometimes
    reports that as an inspector error instead of a stale reference, so both count."""
    def check(driver):
        try:
            page.is_enabled()
            return False
        except (StaleElementReferenceException, WebDriverException):
            return True
    return check


def loaded(driver):
    return driver.execute_script("return document.readyState") == "complete"


def go(driver, element):
    """Clicks a link or submit button and waits until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 15).until(replaced(page))
    WebDriverWait(driver, 15).until(loaded)


def shot(driver, screenshots, name):
    driver.save_screenshot(f"{screenshots}/{name}.png")


def create_account(driver, server, name):
    driver.get(f"{server['base']}/companies/{server['company']}/service_accounts")
    go(driver, driver.find_element(By.ID, "new-service-account"))
    driver.find_element(By.ID, "name").send_keys(name)
    go(driver, driver.find_element(By.ID, "create"))
    client_id = driver.find_element(By.ID, "client-id").text.strip()
    secret = driver.find_element(By.ID, "client-secret").text.strip()
    return client_id, secret


def open_account(driver, server, name):
    driver.get(f"{server['base']}/companies/{server['company']}/service_accounts?q={urllib.parse.quote(name)}")
    go(driver, driver.find_element(By.LINK_TEXT, name))
    return driver.current_url


def confirm(driver, button_id):
    go(driver, driver.find_element(By.ID, button_id))
    go(driver, driver.find_element(By.ID, "confirm"))


def test_sign_in_lands_on_service_accounts(driver, server, screenshots):
    driver.get(server["base"] + "/login")
    shot(driver, screenshots, "01-sign-in")
    sign_in(driver, server, ADMIN)
    assert driver.current_url.endswith(f"/companies/{server['company']}/service_accounts")
    assert driver.find_element(By.ID, "sign-out").is_displayed()
    assert "deprecated" in driver.find_element(By.ID, "sunset-banner").text


def test_create_grant_membership_rotate_retire_reset_disable(driver, server, screenshots):
    http, company = server["http"], server["company"]
    sign_in(driver, server, ADMIN)
    client_id, secret = create_account(driver, server, "Nightly Sync")
    assert "will not be shown again" in driver.page_source
    shot(driver, screenshots, "03-secret-shown-once")
    token = http.token(client_id, secret)

    # Directory readonly in the matrix moves the company-users call from 403 to 200.
    assert http.rest(f"/rest/v1.1/companies/{company}/users", token, company) == 403
    go(driver, driver.find_element(By.LINK_TEXT, "Continue to the account"))
    account_url = driver.current_url
    Select(driver.find_element(By.NAME, "tool[directory]")).select_by_value("readonly")
    go(driver, driver.find_element(By.ID, "save-permissions"))
    assert "Permissions saved" in driver.find_element(By.ID, "flash").text
    assert http.rest(f"/rest/v1.1/companies/{company}/users", token, company) == 200

    # A project membership moves that project's call from 403 to 200.
    tower = server["tower"]
    assert http.rest(f"/rest/v1.0/projects/{tower}/rfis", token, company) == 403
    form = driver.find_element(By.ID, "add-project")
    Select(form.find_element(By.ID, "project-id")).select_by_value(str(tower))
    Select(form.find_element(By.ID, "template-id")).select_by_value(str(server["template"]))
    go(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert http.rest(f"/rest/v1.0/projects/{tower}/rfis", token, company) == 200
    shot(driver, screenshots, "04-service-account")

    # Rotate: both secrets work; retire the old one and it is refused.
    go(driver, driver.find_element(By.ID, "rotate-secret"))
    new_secret = driver.find_element(By.ID, "client-secret").text.strip()
    shot(driver, screenshots, "05-rotated")
    assert http.token_status(client_id, secret)[0] == 200
    assert http.token_status(client_id, new_secret)[0] == 200
    driver.get(account_url)
    retire_links = driver.find_elements(By.CSS_SELECTOR, "a[id^=retire-secret-]")
    oldest = min(retire_links, key=lambda b: int(b.get_attribute("id").split("-")[2]))
    go(driver, oldest)
    go(driver, driver.find_element(By.ID, "confirm"))
    assert http.token_status(client_id, secret)[0] == 401
    assert http.token_status(client_id, new_secret)[0] == 200

    # Reset through the confirmation page: the old secret is refused and the levels are back to none.
    go(driver, driver.find_element(By.ID, "reset-secret"))
    assert "resets all permissions and project memberships" in driver.page_source
    assert "Directory: Read Only" in driver.page_source and "Riverside Tower" in driver.page_source
    shot(driver, screenshots, "06-reset-confirmation")
    go(driver, driver.find_element(By.ID, "confirm"))
    reset_secret = driver.find_element(By.ID, "client-secret").text.strip()
    assert http.token_status(client_id, new_secret)[0] == 401
    fresh = http.token(client_id, reset_secret)
    assert http.rest(f"/rest/v1.1/companies/{company}/users", fresh, company) == 403
    driver.get(account_url)
    assert Select(driver.find_element(By.NAME, "tool[directory]")).first_selected_option.get_attribute("value") == "none"

    # Disable: the token is refused at once.
    confirm(driver, "disable")
    assert http.rest("/rest/v1.0/me", fresh, company) == 401
    assert driver.find_element(By.ID, "enable")


def test_a_service_account_email_cannot_sign_in(driver, server):
    created = server["http"].admin("POST", f"/companies/{server['company']}/service_accounts", {"name": "Contact Check"})
    sign_in(driver, server, created["contact"]["email"], "whatever-it-is")
    assert "Service accounts cannot log in" in driver.find_element(By.ID, "flash").text
    assert driver.current_url.endswith("/login")


def test_a_post_without_the_csrf_token_is_refused(driver, server):
    sign_in(driver, server, ADMIN)
    cookie = driver.get_cookie("gh_session")["value"]
    body = urllib.parse.urlencode({"name": "Forged"}).encode()
    request = urllib.request.Request(f"{server['base']}/companies/{server['company']}/service_accounts", data=body, method="POST",
                                     headers={"Cookie": f"gh_session={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403
    driver.get(f"{server['base']}/companies/{server['company']}/service_accounts?q=Forged")
    assert driver.find_elements(By.LINK_TEXT, "Forged") == []


def test_a_user_who_is_not_a_company_admin_gets_the_403_page(driver, server, screenshots):
    account = server["http"].admin("POST", f"/companies/{server['company']}/service_accounts", {"name": "Not Yours"})
    sign_in(driver, server, USER)
    base = f"{server['base']}/companies/{server['company']}/service_accounts"
    for path in ["", "/new", f"/{account['id']}", f"/{account['id']}/reset_secret", f"/{account['id']}/disable", f"/{account['id']}/delete"]:
        driver.get(base + path)
        assert driver.find_element(By.TAG_NAME, "h1").text == "You can't open this page", path
        assert driver.find_element(By.ID, "sign-out")
    shot(driver, screenshots, "09-forbidden")


def test_keyboard_only_creation(driver, server):
    sign_in(driver, server, ADMIN)
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(40):
        body = driver.switch_to.active_element
        if body.get_attribute("id") == "new-service-account":
            break
        body.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "new-service-account"
    page = driver.find_element(By.TAG_NAME, "html")
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(driver, 15).until(replaced(page))
    WebDriverWait(driver, 15).until(loaded)
    assert driver.switch_to.active_element.get_attribute("id") == "name", "the name field has focus"
    page = driver.find_element(By.TAG_NAME, "html")
    driver.switch_to.active_element.send_keys("Keyboard Made", Keys.ENTER)
    WebDriverWait(driver, 15).until(replaced(page))
    WebDriverWait(driver, 15).until(loaded)
    assert driver.find_element(By.ID, "client-secret").text.strip()


def test_every_page_has_no_accessibility_violations(driver, server, screenshots):
    http, company = server["http"], server["company"]
    account = http.admin("POST", f"/companies/{company}/service_accounts", {"name": "Axe Check"})
    pages = {"sign-in": "/login"}
    base = f"/companies/{company}"
    admin_pages = {
        "02-service-accounts": f"{base}/service_accounts", "service-account-new": f"{base}/service_accounts/new",
        "service-account": f"{base}/service_accounts/{account['id']}", "reset-confirmation": f"{base}/service_accounts/{account['id']}/reset_secret",
        "disable-confirmation": f"{base}/service_accounts/{account['id']}/disable", "07-directory": f"{base}/directory",
        "08-permission-templates": f"{base}/permission_templates", "10-audit": f"{base}/audit", "11-migration": f"{base}/migration",
        "apps": f"{base}/apps", "home": "/", "not-found": "/no/such/page", "error-page": f"{base}/service_accounts/999999",
        "developer-apps": "/developer/apps", "marketplace": "/marketplace",
    }
    failures = []

    def check(name, path, save):
        driver.get(server["base"] + path)
        if save:
            shot(driver, screenshots, name)
        axe = Axe(driver)
        axe.inject()
        results = axe.run()
        bad = results["violations"]
        failures.extend(f"{path}: {v['id']} ({v['impact']}): {v['help']}" for v in bad)

    pages["not-found-signed-out"] = "/no/such/page"
    for name, path in pages.items():
        check(name, path, False)
    sign_in(driver, server, ADMIN)
    for name, path in admin_pages.items():
        check(name, path, name[0].isdigit())
    sign_in(driver, server, USER)
    check("forbidden", f"{base}/service_accounts", False)
    assert not failures, "\n".join(failures)
