/// One self-contained HTML page (no external assets): a picture first (failures per section and severity, the
/// score), the most severe failures, then every result with its evidence and remediation in a table that filters by
/// status, section and severity, searches, and sorts by any column (click its heading). Filters and the sort can be
/// set from the address's fragment (`report.html#status=fail&severity=critical&q=privileged&sort=-severity`), so a
/// link can point at a view.
public enum HTMLReporter {
    public static func render(_ report: AuditReport, language: Language) -> String {
        var out = ""
        write(report, language: language) { out += $0 }
        return out
    }

    /// The page as it is produced: the head, the picture and the controls, then a row per result, then the script.
    public static func write(_ report: AuditReport, language: Language, _ emit: (String) throws -> Void) rethrows {
        let zh = language == .zh
        let label = { (en: String, cn: String) in zh ? cn : en }
        let (head, tail) = page(report, language: language)
        try emit(head)
        let statusRank = Status.allCases.sorted()
        for result in report.results {
            let target = result.targetLabel(language)
            let evidence = result.finding.evidence.sorted { $0.key < $1.key }
                .map { "<dt>\(xml(Vocabulary.evidenceKey($0.key, language)))</dt><dd>\(xml(Vocabulary.evidenceValue($0.value, language)))</dd>" }.joined()
            var notes = ""
            if let waiver = result.waiver {
                notes += "<p class=\"waiver\">\(xml(waiver.expired ? label("Waiver expired", "豁免已过期") : label("Waived", "已豁免"))): \(xml(waiver.reason))"
                notes += waiver.expires.map { " (\(label("until", "有效期至")) \($0))" } ?? ""
                notes += " — \(xml(waiver.source))</p>"
            }
            if let change = result.change { notes += "<p class=\"change\">\(change.rawValue)</p>" }
            try emit("""
            <tr class="result" data-status="\(result.status.rawValue)" data-section="\(xml(result.rule.section))" data-severity="\(result.severity.rawValue)">\
            <td data-sort="\(statusRank.firstIndex(of: result.status)!)"><span class="badge \(result.status.rawValue)">\(xml(Vocabulary.status(result.status, language)))</span></td>\
            <td>\(xml(report.benchmark.id(for: result.rule) ?? "-"))</td>\
            <td data-sort="\(result.status == .fail ? Severity.allCases.firstIndex(of: result.severity)! : -1)">\(result.status == .fail ? xml(Vocabulary.severity(result.severity, language)) : "")</td>\
            <td><details><summary>\(xml(result.rule.title[language]))</summary><p class="rule">\(xml(result.rule.id.rawValue))</p>\
            <p>\(xml(result.rule.rationale[language]))</p><p><b>\(label("Fix", "修复")):</b> \(xml(result.remediation(language)))</p></details></td>\
            <td><code>\(xml(target))</code></td>\
            <td>\(xml(result.finding.message[language]))\(notes)<dl>\(evidence)</dl></td></tr>

            """)
        }
        try emit(tail)
    }

    /// What comes before the rows and after them.
    private static func page(_ report: AuditReport, language: Language) -> (head: String, tail: String) {
        let zh = language == .zh
        let label = { (en: String, cn: String) in zh ? cn : en }
        let snapshot = report.snapshot
        let sections = Array(Set(report.results.map(\.rule.section))).sorted()
        let sectionOptions = sections.map { "<option value=\"\(xml($0))\">\(xml(Vocabulary.section($0, language)))</option>" }.joined()
        let tally = report.tally
        let statusOptions = Status.allCases.map { "<option value=\"\($0.rawValue)\">\(xml(Vocabulary.status($0, language))) (\(tally.count($0)))</option>" }.joined()
        let severityOptions = Severity.allCases.reversed().map { "<option value=\"\($0.rawValue)\">\(xml(Vocabulary.severity($0, language)))</option>" }.joined()
        let counts = Status.allCases.map { "<span class=\"badge \($0.rawValue)\">\(xml(Vocabulary.status($0, language))) \(tally.count($0))</span>" }.joined(separator: " ")
        let top = report.mostSevereFailures.prefix(15).map { result in
            """
            <li><span class="badge sev-\(result.severity.rawValue)">\(xml(Vocabulary.severity(result.severity, language)))</span> \
            <b>\(xml(report.benchmark.id(for: result.rule) ?? "-"))</b> \(xml(result.rule.title[language])) — <code>\(xml(result.targetLabel(language)))</code>: \
            \(xml(result.finding.message[language]))<br><span class="fix">\(label("Fix", "修复")): \(xml(result.fixHint(language)))</span></li>
            """
        }.joined(separator: "\n")
        let rowsMarker = "\u{0}rows\u{0}"
        let page = """
        <!DOCTYPE html>
        <html lang="\(zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Docker Baseline — \(xml(UntrustedText.shown(snapshot.info.name ?? snapshot.endpoint)))</title>
        <style>
        body { font: 14px/1.45 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 1.5em; color: #1d2330; }
        h1 { font-size: 1.4em; margin: 0 0 .2em; }
        .meta { color: #5b6475; margin-bottom: 1em; }
        .controls { display: flex; gap: .6em; flex-wrap: wrap; margin: 1em 0; position: sticky; top: 0; background: #fff; padding: .4em 0; }
        select, input { font: inherit; padding: .25em .4em; }
        input[type=search] { min-width: 18em; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; padding: .35em .5em; border-bottom: 1px solid #e3e6ec; }
        th { background: #f4f6f9; }
        .badge { display: inline-block; padding: 0 .45em; border-radius: .3em; font-size: .85em; font-weight: 600; color: #fff; background: #7a8294; }
        .badge.fail { background: #c62828; } .badge.error { background: #8e24aa; } .badge.warn { background: #ef8f00; }
        .badge.pass { background: #2e7d32; } .badge.waived { background: #00838f; } .badge.info, .badge.skipped { background: #9aa1ae; }
        \(Severity.allCases.map { ".badge.sev-\($0.rawValue) { background: \(HTMLChart.colours[$0]!); }" }.joined(separator: " "))
        .badge.sev-low { color: #1d2330; }
        .picture { display: flex; gap: 2em; align-items: center; flex-wrap: wrap; margin: 1em 0; }
        .chart text { font-size: 12px; fill: #1d2330; } .chart .count { fill: #5b6475; }
        .score .value { font-size: 20px; font-weight: 700; fill: #1d2330; } .score .caption { font-size: 11px; fill: #5b6475; }
        ol.top { padding-left: 1.4em; } ol.top li { margin: .35em 0; } .fix { color: #4a5263; font-size: .92em; }
        th { cursor: pointer; user-select: none; white-space: nowrap; }
        th::after { content: " ↕"; color: #aab1bf; }
        th[aria-sort=ascending]::after { content: " ▲"; color: inherit; } th[aria-sort=descending]::after { content: " ▼"; color: inherit; }
        dl { margin: .3em 0 0; display: grid; grid-template-columns: max-content 1fr; gap: 0 .6em; font-size: .9em; color: #4a5263; }
        dt { font-weight: 600; } dd { margin: 0; word-break: break-word; }
        .rule { font-family: monospace; color: #5b6475; }
        .waiver { color: #00838f; } .change { font-weight: 700; }
        tr[hidden] { display: none; }
        #shown { color: #5b6475; align-self: center; }
        </style>
        </head>
        <body>
        <h1>Docker Baseline</h1>
        <div class="meta">\(xml(label("Engine", "引擎"))) \(xml(UntrustedText.shown(snapshot.engine.version == nil ? "?" : snapshot.engineLabel))) · \(xml(UntrustedText.shown(snapshot.endpoint))) · \(xml(UntrustedText.shown(snapshot.collectedAt)))</div>
        <div class="picture">
        \(HTMLChart.score(report, language: language))
        \(HTMLChart.failures(report, language: language))
        </div>
        <div>\(counts)</div>
        \(top.isEmpty ? "" : "<h2>\(label("Most severe failures", "最严重的失败项"))</h2>\n<ol class=\"top\">\n\(top)\n</ol>")
        <div class="controls">
        <select id="status"><option value="">\(label("all statuses", "全部状态"))</option>\(statusOptions)</select>
        <select id="section"><option value="">\(label("all sections", "全部章节"))</option>\(sectionOptions)</select>
        <select id="severity"><option value="">\(label("all severities", "全部级别"))</option>\(severityOptions)</select>
        <input id="q" type="search" placeholder="\(label("search rule, target, evidence…", "搜索规则、目标、证据…"))">
        <span id="shown"></span>
        </div>
        <table>
        <thead><tr><th data-column="status">\(label("status", "状态"))</th><th data-column="id">\(label("id", "编号"))</th><th data-column="severity">\(label("severity", "级别"))</th><th data-column="rule">\(label("rule", "规则"))</th><th data-column="target">\(label("target", "目标"))</th><th data-column="finding">\(label("finding and evidence", "结论与证据"))</th></tr></thead>
        <tbody>
        \(rowsMarker)</tbody>
        </table>
        <script>
        (function () {
          var fields = ["status", "section", "severity", "q"];
          var rows = Array.prototype.slice.call(document.querySelectorAll("tr.result"));
          var headings = Array.prototype.slice.call(document.querySelectorAll("th[data-column]"));
          var tbody = document.querySelector("tbody");
          var sort = "";
          function value(id) { return document.getElementById(id).value; }
          function key(row, column) {
            var cell = row.cells[column];
            return cell.dataset.sort !== undefined ? Number(cell.dataset.sort) : cell.textContent.trim();
          }
          // "severity" sorts ascending, "-severity" descending; rows keep report order among equals.
          function sortBy(spec) {
            var name = spec.replace(/^-/, ""), descending = spec.charAt(0) === "-";
            var column = headings.findIndex(function (th) { return th.dataset.column === name; });
            if (column < 0) return;
            sort = spec;
            headings.forEach(function (th, i) { if (i === column) th.setAttribute("aria-sort", descending ? "descending" : "ascending"); else th.removeAttribute("aria-sort"); });
            rows.sort(function (a, b) {
              var x = key(a, column), y = key(b, column);
              var order = typeof x === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
              return descending ? -order : order;
            });
            rows.forEach(function (row) { tbody.appendChild(row); });
          }
          function apply() {
            var status = value("status"), section = value("section"), severity = value("severity"), q = value("q").toLowerCase();
            var shown = 0;
            rows.forEach(function (row) {
              var ok = (!status || row.dataset.status === status) && (!section || row.dataset.section === section)
                && (!severity || row.dataset.severity === severity) && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
              row.hidden = !ok;
              if (ok) shown++;
            });
            document.getElementById("shown").textContent = shown + " / " + rows.length;
            var state = fields.map(function (f) { return value(f) ? f + "=" + encodeURIComponent(value(f)) : ""; }).concat(sort ? ["sort=" + sort] : []).filter(Boolean).join("&");
            if (history.replaceState) history.replaceState(null, "", state ? "#" + state : location.pathname);
          }
          location.hash.slice(1).split("&").forEach(function (pair) {
            var parts = pair.split("=");
            if (fields.indexOf(parts[0]) >= 0) document.getElementById(parts[0]).value = decodeURIComponent(parts[1] || "");
            if (parts[0] === "sort") sortBy(decodeURIComponent(parts[1] || ""));
          });
          headings.forEach(function (th) {
            th.addEventListener("click", function () {
              sortBy(sort === th.dataset.column ? "-" + th.dataset.column : th.dataset.column);
              apply();
            });
          });
          fields.forEach(function (f) { document.getElementById(f).addEventListener("input", apply); });
          apply();
        })();
        </script>
        </body>
        </html>

        """
        let marker = page.range(of: rowsMarker)!
        return (String(page[..<marker.lowerBound]), String(page[marker.upperBound...]))
    }
}
