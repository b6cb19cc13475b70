// The query page: YASGUI on this server's /sparql endpoint, offline (no prefix.cc or LOV look-ups),
// with the example and stored queries as buttons that open in the editor.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = new URL(script.getAttribute("data-endpoint"), window.location.href).href;
  var examples = JSON.parse(document.getElementById("example-queries").textContent);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: null,
    yasqe: { autocompleters: [], value: examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
    yasr: { defaultPlugin: "table" }
  });
  function open(query) {
    var tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.setQuery(query);
  }
  var shared = new URLSearchParams(window.location.hash.slice(1)).get("query");
  if (shared) { open(shared); }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      open(examples[Number(button.getAttribute("data-index"))].query);
    });
  });
  var stored = document.getElementById("stored-example");
  if (stored) {
    stored.addEventListener("change", function () {
      if (stored.value !== "") { open(examples[Number(stored.value)].query); }
    });
  }
  window.kgYasgui = yasgui;
})();
