"""Least privilege from real use in the console: the account page's usage panel, the confirmation of
"Lower to what was used…", and the API refusing what was lowered."""
import time

from selenium.webdriver.common.by import By

from test_apps import accessible
from test_console import ADMIN, go, sign_in


def test_usage_panel_and_lowering_to_what_was_used(driver, server, screenshots):
    http, company, tower = server["http"], server["company"], server["tower"]
    account = http.admin("POST", f"/companies/{company}/service_accounts", {"name": "Field Reporter"})
    contact = account["contact"]["id"]
    http.admin("PUT", f"/companies/{company}/people/{contact}/permissions", {"tools": {"directory": "readonly", "portfolio": "readonly"}})
    http.admin("POST", f"/projects/{tower}/memberships", {"person_id": contact, "permission_template_id": server["template"]})
    token = http.token(account["client_id"], account["client_secret"])
    assert http.rest(f"/rest/v1.1/companies/{company}/users", token, company) == 200
    assert http.rest(f"/rest/v1.0/projects/{tower}/rfis", token, company) == 200
    # Counts reach the database at least every 10 s.
    path = f"/companies/{company}/service_accounts/{account['id']}/usage"
    for _ in range(60):
        if len(http.admin("GET", path)["used"]) == 2:
            break
        time.sleep(0.25)
    assert len(http.admin("GET", path)["used"]) == 2

    sign_in(driver, server, ADMIN)
    driver.get(f"{server['base']}/companies/{company}/service_accounts/{account['id']}#usage")
    panel = driver.find_element(By.ID, "usage")
    assert "Permissions used in the last 30 days" in panel.text
    unused = panel.find_elements(By.CSS_SELECTOR, "tr.unused")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in unused] == ["Portfolio", "Directory"], panel.text
    driver.execute_script("arguments[0].scrollIntoView()", panel)
    accessible(driver, screenshots, "20-usage-panel")

    go(driver, driver.find_element(By.ID, "apply-usage"))
    changes = driver.find_element(By.ID, "usage-changes").text
    assert "Portfolio at company level: Read Only → None" in changes and "Directory on Riverside Tower: Read Only → None" in changes
    assert "Only 0 of the 30 days have been recorded" in driver.page_source
    accessible(driver, screenshots, "21-usage-confirmation")
    go(driver, driver.find_element(By.ID, "confirm"))
    assert "Permissions lowered" in driver.find_element(By.ID, "flash").text
    assert http.rest(f"/rest/v1.0/companies/{company}/projects", token, company) == 403
    assert http.rest(f"/rest/v1.1/companies/{company}/users", token, company) == 200
    assert http.rest(f"/rest/v1.0/projects/{tower}/rfis", token, company) == 200
    assert driver.find_elements(By.ID, "apply-usage") == []
