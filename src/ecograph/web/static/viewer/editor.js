// YASGUI pointed at this site's /sparql. Only local autocompleters (prefixes, variables): the
// property and class completers would ask an outside service. No persistence between visits,
// so a shared link or an example always opens what it says.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  var data = JSON.parse(document.getElementById("editor-data").textContent);
  if (!el || typeof Yasgui === "undefined") return;
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: ["prefixes", "variables"], resizeable: true, editorHeight: "320px" },
    yasr: { prefixes: {} }
  });
  window.ecographYasgui = yasgui;
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(data.initial);
  var byName = {};
  data.examples.forEach(function (e) { byName[e.name] = e.text; });
  document.querySelectorAll("#examples button").forEach(function (b) {
    b.addEventListener("click", function () {
      var t = yasgui.getTab();
      t.setQuery(byName[b.dataset.name]);
      t.getYasqe().focus();
    });
  });
})();
