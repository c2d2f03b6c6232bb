// A small viewer for the embedded OpenAPI document; no external code.
(function () {
  "use strict";
  function el(tag, text, cls) { var e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }
  fetch("/api/v1/openapi.json").then(function (r) { return r.json(); }).then(function (doc) {
    document.getElementById("title").textContent = doc.info.title + " v" + doc.info.version;
    document.getElementById("desc").textContent = doc.info.description;
    var ops = document.getElementById("ops");
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var card = el("section", null, "card");
        card.appendChild(el("h2", method.toUpperCase() + " " + path));
        card.appendChild(el("p", op.summary + (op.security && op.security.some(function (s) { return Object.keys(s).length === 0; }) ? " · công khai" : "")));
        card.appendChild(el("p", op.description, "muted"));
        (op.parameters || []).forEach(function (p) {
          card.appendChild(el("p", "• " + p.name + " (" + p.in + (p.required ? ", bắt buộc" : "") + "): " + (p.description || "")));
        });
        ops.appendChild(card);
      });
    });
  });
})();
