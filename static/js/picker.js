// The author picker's search is a GET form of its own, before the operation form.
// Searching would lose what the curator already typed or ticked in the operation
// form, so carry it along: the views read these fields back from the address.
// Without JavaScript the search still works; only those fields start afresh.
(function () {
  "use strict";
  var CARRIED = ["family_name", "given_name", "orcid", "papers"];
  document.querySelectorAll("form.picker-search").forEach(function (search) {
    search.addEventListener("submit", function () {
      var operation = document.querySelector("form.operation");
      if (!operation) return;
      search.querySelectorAll("input[data-carried], input[type=hidden]").forEach(function (input) {
        if (CARRIED.indexOf(input.name) !== -1) input.remove();
      });
      CARRIED.forEach(function (name) {
        operation.querySelectorAll("[name='" + name + "']").forEach(function (field) {
          if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
          if (!field.value && !field.defaultValue) return; // untouched and empty
          var carried = document.createElement("input");
          carried.type = "hidden";
          carried.name = name;
          carried.value = field.value;
          carried.setAttribute("data-carried", "");
          search.appendChild(carried);
        });
      });
    });
  });
})();

// Typing a new author's name chooses "A new author" in the radio group above it.
(function () {
  "use strict";
  document.querySelectorAll("form.operation").forEach(function (operation) {
    var fresh = operation.querySelector("input[type=radio][name=author][value='']");
    if (!fresh) return;
    ["family_name", "given_name"].forEach(function (name) {
      var field = operation.querySelector("[name='" + name + "']");
      if (!field) return;
      field.addEventListener("input", function () {
        if (field.value.trim()) fresh.checked = true;
      });
    });
  });
})();
