// Charts and small enhancements, read from data attributes: no inline script anywhere.
(function () {
  "use strict";
  function json(el, name) {
    var v = el.getAttribute(name);
    if (!v) return null;
    try { return JSON.parse(v); } catch (e) { return null; }
  }
  // Numbers as the page's language writes them: 1.234,5 or 1,234.5.
  function num(x) {
    if (typeof x !== "number" || !isFinite(x)) return "—";
    var lang = document.documentElement.lang;
    return x.toLocaleString(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 2 });
  }
  function chart(el) {
    if (!window.echarts || el.dataset.done) return;
    el.dataset.done = "1";
    var kind = el.getAttribute("data-chart");
    // A bar per unit: as tall as the units need, so that every name can be read.
    if (kind === "bars") el.style.height = Math.max(260, (json(el, "data-labels") || []).length * 20 + 60) + "px";
    var c = window.echarts.init(el, null, { renderer: "svg" });
    if (kind === "spark") {
      var vals = json(el, "data-values") || [];
      c.setOption({ animation: false, grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: "category", show: false, data: vals.map(function (_, i) { return i; }) },
        yAxis: { type: "value", show: false, scale: true },
        series: [{ type: "line", data: vals, symbol: "none", lineStyle: { width: 2, color: "#1f5f99" }, areaStyle: { opacity: 0.08 } }] });
    } else if (kind === "series") {
      var years = json(el, "data-years") || [];
      var values = json(el, "data-values") || [];
      var targets = json(el, "data-targets") || [];
      var proj = json(el, "data-projection") || [];
      var last = years.length ? years[years.length - 1] : 0;
      var maxYear = Math.max.apply(null, [last].concat(targets.map(function (t) { return t[0]; })));
      c.setOption({ animation: false, tooltip: { trigger: "axis", valueFormatter: num }, legend: { top: 0, type: "scroll" },
        grid: { left: 56, right: 16, top: 40, bottom: 28 },
        xAxis: { type: "value", min: years.length ? years[0] : "dataMin", max: maxYear, minInterval: 1,
          axisLabel: { formatter: function (v) { return String(v); } } },
        yAxis: { type: "value", scale: true, axisLabel: { formatter: num } },
        series: [
          { name: el.getAttribute("aria-label") || "", type: "line", data: years.map(function (y, i) { return [y, values[i]]; }),
            // A dashed line at each target's level, labelled with the target itself.
            markLine: { symbol: "none", silent: true, lineStyle: { type: "dotted", color: "#8b1a1a" },
              label: { position: "insideEndTop", formatter: function (p) { return p.name; } },
              data: targets.map(function (t) { return { yAxis: t[1], name: t[2] }; }) } },
          { name: el.getAttribute("data-projection-label") || "", type: "line", data: proj, lineStyle: { type: "dashed" } }
        ].concat(targets.map(function (t) {
          return { name: t[2], type: "scatter", symbol: "diamond", symbolSize: 12, data: [[t[0], t[1]]] };
        })) });
    } else if (kind === "bars") {
      // One horizontal bar per unit, highest at the top, names in full; the target, when
      // there is one, as a line across.
      var labels = json(el, "data-labels") || [];
      var bars = json(el, "data-values") || [];
      var target = parseFloat(el.getAttribute("data-target"));
      var narrow = el.clientWidth < 500;
      var series = { type: "bar", data: bars.slice().reverse(), barMaxWidth: 14,
        label: { show: true, position: "right", formatter: function (p) { return num(p.value); }, fontSize: 10 } };
      if (isFinite(target)) {
        series.markLine = { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#8b1a1a" },
          label: { formatter: el.getAttribute("data-target-label") || "", position: "insideEndTop" },
          data: [{ xAxis: target }] };
      }
      c.setOption({ animation: false, tooltip: { valueFormatter: num },
        grid: { left: 8, right: 48, top: 24, bottom: 24, containLabel: true },
        yAxis: { type: "category", data: labels.slice().reverse(),
          axisLabel: { fontSize: 11, width: narrow ? 110 : 220, overflow: "truncate" } },
        xAxis: { type: "value", axisLabel: { formatter: num } }, series: [series] });
    }
    window.addEventListener("resize", function () { c.resize(); });
  }
  // What a cell sorts by: its data-v, a date dd/mm/yyyy as yyyymmdd, a leading figure
  // written the page's way, else its text.
  function sortKey(cell) {
    if (cell.hasAttribute("data-v")) return parseFloat(cell.getAttribute("data-v"));
    var t = cell.innerText.trim();
    var d = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(t);
    if (d) return parseFloat(d[3] + d[2] + d[1]);
    var m = /^-?[\d.,\s]+/.exec(t);
    if (m) {
      var x = document.documentElement.lang === "en"
        ? parseFloat(m[0].replace(/[,\s]/g, ""))
        : parseVi(m[0].trim());
      if (isFinite(x)) return x;
    }
    return t;
  }
  // Every column with a heading sorts on click, Enter or Space; aria-sort and the arrow say
  // how. (The matrix keeps its order: its columns are periods.)
  function sortable(table) {
    if (table.dataset.sortable || table.classList.contains("matrix")) return;
    table.dataset.sortable = "1";
    table.querySelectorAll("thead th").forEach(function (th) {
      if (th.textContent.trim() && !th.hasAttribute("data-sort")) th.setAttribute("data-sort", "auto");
    });
    var heads = table.querySelectorAll("th[data-sort]");
    heads.forEach(function (th) {
      var col = th.cellIndex;
      th.tabIndex = 0;
      th.setAttribute("role", "columnheader button");
      var go = function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var num = th.getAttribute("data-sort") === "num";
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          if (!x || !y) return 0;
          if (num) return dir * ((parseFloat(x.dataset.v) || 0) - (parseFloat(y.dataset.v) || 0));
          var p = sortKey(x), q = sortKey(y);
          if (typeof p === "number" && typeof q === "number") return dir * (p - q);
          return dir * String(p).localeCompare(String(q), document.documentElement.lang);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); }
      });
    });
  }
  // A figure typed the Vietnamese way, by the rule the server applies (text::parse_decimal_vi):
  // comma for decimals; dots or spaces group thousands; a lone dot not before three digits
  // is a decimal point. NaN when the server would refuse it too.
  function parseVi(s) {
    var t = String(s).replace(/[\s\u00a0\u202f]/g, "");
    if (!t) return NaN;
    var grouped = /^[+-]?\d{1,3}(\.\d{3})+$/;
    if (t.indexOf(",") >= 0) {
      var parts = t.split(",");
      if (parts.length !== 2) return NaN;
      var int = parts[0];
      if (int.indexOf(".") >= 0) { if (!grouped.test(int)) return NaN; int = int.replace(/\./g, ""); }
      if (!/^[+-]?\d+$/.test(int) || !/^\d+$/.test(parts[1])) return NaN;
      return parseFloat(int + "." + parts[1]);
    }
    if (grouped.test(t)) return parseFloat(t.replace(/\./g, ""));
    return /^[+-]?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : NaN;
  }
  // The share a numerator and a denominator make, shown as they are typed.
  function computed(out) {
    var n = document.getElementById(out.getAttribute("data-num"));
    var d = document.getElementById(out.getAttribute("data-den"));
    var factor = parseFloat(out.getAttribute("data-factor")) || 1;
    if (!n || !d) return;
    var show = function () {
      var a = parseVi(n.value), b = parseVi(d.value);
      out.textContent = (isFinite(a) && isFinite(b) && b > 0) ? num(a / b * factor) : "—";
    };
    n.addEventListener("input", show);
    d.addEventListener("input", show);
    show();
  }
  // Each cell carries its column's heading, so that on a phone a row reads as a small card
  // ("Hạn: 27/09/2026") instead of a table wider than the screen (see app.css).
  function labelled(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i].textContent.trim());
        });
      });
    });
  }
  // A table's rows as CSV lines, cells as shown on the page. A cell starting with = + - @
  // (or a tab, a return) is a formula to Excel: such text gets a leading apostrophe, so that
  // it shows and is never run; plain numbers stay numbers.
  function csvLines(table) {
    var quote = function (s) {
      var t = String(s).replace(/\s+/g, " ").trim();
      if (/^[=+\-@\t\r]/.test(t) && !/^[+\-]?[\d.,\s]+%?$/.test(t)) t = "'" + t;
      return '"' + t.replace(/"/g, '""') + '"';
    };
    return Array.prototype.map.call(table.rows, function (row) {
      return Array.prototype.map.call(row.cells, function (c) { return quote(c.innerText); }).join(",");
    });
  }
  // For the browser test: the CSV a table downloads as.
  window.chitieuCsv = function (table) { return csvLines(table).join("\r\n"); };
  // Every table can be taken away as a CSV file that Excel opens (UTF-8 with a byte-order
  // mark), the lines of csvLines.
  function exportable(table) {
    var box = table.closest(".scroll");
    if (!box || box.previousElementSibling && box.previousElementSibling.classList.contains("export")) return;
    var en = document.documentElement.lang === "en";
    var b = document.createElement("button");
    b.type = "button";
    b.className = "export small secondary";
    b.textContent = en ? "Download CSV" : "Tải về CSV";
    b.addEventListener("click", function () {
      var lines = csvLines(table);
      var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = (document.title.split(" · ")[0] || "bang") + (table.id ? "-" + table.id : "") + ".csv";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });
    box.parentNode.insertBefore(b, box);
    // The same table as Excel: posted to the server, which writes the workbook (numbers as
    // numbers); the page stays where it is.
    var token = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRF-Token":\s*"([^"]+)"/);
    if (!token) return;
    var x = document.createElement("button");
    x.type = "button";
    x.className = "export small secondary";
    x.textContent = en ? "Download Excel" : "Tải Excel";
    x.addEventListener("click", function () {
      var rows = Array.prototype.map.call(table.rows, function (row) {
        return Array.prototype.map.call(row.cells, function (c) { return c.innerText.replace(/\s+/g, " ").trim(); });
      });
      var f = document.createElement("form");
      f.method = "post";
      f.action = "/export/xlsx";
      [["_csrf", token[1]], ["table", JSON.stringify({ title: document.title.split(" · ")[0] || "bang", rows: rows })]].forEach(function (kv) {
        var i = document.createElement("input");
        i.type = "hidden";
        i.name = kv[0];
        i.value = kv[1];
        f.appendChild(i);
      });
      document.body.appendChild(f);
      f.submit();
      f.remove();
    });
    box.parentNode.insertBefore(x, box);
  }
  // The indicator edit form starts from the chosen indicator's current wording.
  function prefill(select) {
    var form = select.form;
    select.addEventListener("change", function () {
      var o = select.options[select.selectedIndex];
      ["name", "name_en", "definition", "data_source", "lead_unit"].forEach(function (k) {
        if (form.elements[k]) form.elements[k].value = o.getAttribute("data-" + k) || "";
      });
    });
  }
  // A long list of choices (a nation's units) comes after the page, from its own address:
  // kept by the browser until the server says it changed.
  function choices(list) {
    fetch(list.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) list.innerHTML = html; })
      .catch(function () {});
  }
  function init(root) {
    root.querySelectorAll("select#ind-code").forEach(prefill);
    root.querySelectorAll("datalist[data-src]").forEach(choices);
    root.querySelectorAll("[data-chart]").forEach(chart);
    root.querySelectorAll(".scroll > table").forEach(exportable);
    root.querySelectorAll("table").forEach(labelled);
    root.querySelectorAll("table").forEach(function (t) {
      if (t.tHead && t.tBodies.length) sortable(t);
    });
    root.querySelectorAll("output[data-num]").forEach(computed);
  }
  // A form that cannot be undone from where it stands asks first: data-confirm holds the
  // question. Without JavaScript the form simply submits, as before.
  document.addEventListener("submit", function (e) {
    var q = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (q && !window.confirm(q)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
