// Progressive touches only: every form works without this file.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    button.textContent = "Copied";
  });
});

// The permissions builder: keep the manifest shown beside the form in step with the selects. Without this
// file the page shows the manifest of the last submission, and the server builds the real one either way.
function updateManifest() {
  var target = document.getElementById("manifest-json");
  if (!target) return;
  var permissions = { company: {}, project: {} };
  document.querySelectorAll("select[data-manifest]").forEach(function (select) {
    if (select.value === "none") return;
    var key = select.name.replace(/^(company|project)_tool\[/, "").replace(/\]$/, "");
    permissions[select.getAttribute("data-manifest")][key] = select.value;
  });
  var manifest = { schema_version: "4.1", components: { data_connector: { service_account: true } }, permissions: permissions };
  target.textContent = JSON.stringify(manifest, null, 2);
}
document.addEventListener("change", function (event) {
  if (event.target.matches && event.target.matches("select[data-manifest]")) updateManifest();
});

// One submit, one effect: a form's buttons are disabled while it is sent, so a double click sends it once. The
// server recognises a repeated post by its one-time token anyway.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
  }, 0);
});
