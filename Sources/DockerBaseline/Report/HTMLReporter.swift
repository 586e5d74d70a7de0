/// One self-contained HTML page (no external assets): summary, filters by status, section and severity, a search
/// box, and each result with its evidence and remediation. Filters can be set from the address's fragment
/// (`report.html#status=fail&severity=critical&q=privileged`), so a link can point at a view.
public enum HTMLReporter {
    public static func render(_ report: AuditReport, language: Language) -> String {
        let zh = language == .zh
        let label = { (en: String, cn: String) in zh ? cn : en }
        let snapshot = report.snapshot
        var rows = ""
        rows.reserveCapacity(report.results.count * 900)
        for result in report.results {
            let target = result.targetLabel(language)
            let evidence = result.finding.evidence.sorted { $0.key < $1.key }
                .map { "<dt>\(xml($0.key))</dt><dd>\(xml($0.value))</dd>" }.joined()
            var notes = ""
            if let waiver = result.waiver {
                notes += "<p class=\"waiver\">\(xml(waiver.expired ? label("Waiver expired", "豁免已过期") : label("Waived", "已豁免"))): \(xml(waiver.reason))"
                notes += waiver.expires.map { " (\(label("until", "有效期至")) \($0))" } ?? ""
                notes += " — \(xml(waiver.source))</p>"
            }
            if let change = result.change { notes += "<p class=\"change\">\(change.rawValue)</p>" }
            rows += """
            <tr class="result" data-status="\(result.status.rawValue)" data-section="\(xml(result.rule.section))" data-severity="\(result.severity.rawValue)">\
            <td><span class="badge \(result.status.rawValue)">\(result.status.rawValue)</span></td>\
            <td>\(xml(report.benchmark.id(for: result.rule) ?? "-"))</td>\
            <td>\(result.status == .fail ? result.severity.rawValue : "")</td>\
            <td><details><summary>\(xml(result.rule.title[language]))</summary><p class="rule">\(xml(result.rule.id.rawValue))</p>\
            <p>\(xml(result.rule.rationale[language]))</p><p><b>\(label("Fix", "修复")):</b> \(xml(result.remediation(language)))</p></details></td>\
            <td><code>\(xml(target))</code></td>\
            <td>\(xml(result.finding.message[language]))\(notes)<dl>\(evidence)</dl></td></tr>

            """
        }
        let sections = Array(Set(report.results.map(\.rule.section))).sorted()
        let sectionOptions = sections.map { "<option value=\"\(xml($0))\">\(xml(Vocabulary.section($0, language)))</option>" }.joined()
        let statusOptions = Status.allCases.map { "<option value=\"\($0.rawValue)\">\($0.rawValue) (\(report.count($0)))</option>" }.joined()
        let severityOptions = Severity.allCases.reversed().map { "<option value=\"\($0.rawValue)\">\($0.rawValue)</option>" }.joined()
        let counts = Status.allCases.map { "<span class=\"badge \($0.rawValue)\">\($0.rawValue) \(report.count($0))</span>" }.joined(separator: " ")
        return """
        <!DOCTYPE html>
        <html lang="\(zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Docker Baseline — \(xml(snapshot.info.name ?? snapshot.endpoint))</title>
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
        <div class="meta">\(xml(label("Engine", "引擎"))) \(xml(snapshot.engine.version ?? "?")) · \(xml(snapshot.endpoint)) · \(xml(snapshot.collectedAt)) · \(label("score", "得分")) \(report.score.map { "\($0)%" } ?? "n/a")</div>
        <div>\(counts)</div>
        <div class="controls">
        <select id="status"><option value="">\(label("all statuses", "全部状态"))</option>\(statusOptions)</select>
        <select id="section"><option value="">\(label("all sections", "全部章节"))</option>\(sectionOptions)</select>
        <select id="severity"><option value="">\(label("all severities", "全部级别"))</option>\(severityOptions)</select>
        <input id="q" type="search" placeholder="\(label("search rule, target, evidence…", "搜索规则、目标、证据…"))">
        <span id="shown"></span>
        </div>
        <table>
        <thead><tr><th>\(label("status", "状态"))</th><th>\(label("id", "编号"))</th><th>\(label("severity", "级别"))</th><th>\(label("rule", "规则"))</th><th>\(label("target", "目标"))</th><th>\(label("finding and evidence", "结论与证据"))</th></tr></thead>
        <tbody>
        \(rows)</tbody>
        </table>
        <script>
        (function () {
          var fields = ["status", "section", "severity", "q"];
          var rows = Array.prototype.slice.call(document.querySelectorAll("tr.result"));
          function value(id) { return document.getElementById(id).value; }
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
            var state = fields.map(function (f) { return value(f) ? f + "=" + encodeURIComponent(value(f)) : ""; }).filter(Boolean).join("&");
            if (history.replaceState) history.replaceState(null, "", state ? "#" + state : location.pathname);
          }
          location.hash.slice(1).split("&").forEach(function (pair) {
            var parts = pair.split("=");
            if (fields.indexOf(parts[0]) >= 0) document.getElementById(parts[0]).value = decodeURIComponent(parts[1] || "");
          });
          fields.forEach(function (f) { document.getElementById(f).addEventListener("input", apply); });
          apply();
        })();
        </script>
        </body>
        </html>

        """
    }
}
