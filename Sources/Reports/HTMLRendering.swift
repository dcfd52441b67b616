/// One self-contained HTML file: no scripts, no network, no external assets; charts
/// are inline SVG; print styles keep it readable as a PDF.
enum HTMLRendering {
    static let colours: [(name: String, colour: String)] = [
        ("ai", "#c0392b"), ("mixed", "#e67e22"), ("human", "#2e86c1"), ("unknown", "#b3b6b7"),
    ]

    static func render(_ document: ReportDocument) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(document.title))</title>
            <style>
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f23; margin: 2em auto; max-width: 70em; padding: 0 1em; }
            h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.2em; border-bottom: 1px solid #d0d7de; padding-bottom: .2em; margin-top: 2em; }
            table { border-collapse: collapse; margin: .8em 0; font-variant-numeric: tabular-nums; }
            th, td { border: 1px solid #d0d7de; padding: .25em .6em; text-align: left; vertical-align: top; }
            th { background: #f3f4f6; } td.n { text-align: right; white-space: nowrap; }
            td.digest { font-family: ui-monospace, monospace; font-size: .85em; word-break: break-all; }
            .warning { background: #fff4e5; border-left: 4px solid #c0392b; padding: .6em 1em; margin: .6em 0; font-weight: 600; }
            .legend span { display: inline-block; margin-right: 1.2em; } .legend i { display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -.1em; }
            figure { margin: 1em 0; } figcaption { font-weight: 600; margin-bottom: .3em; }
            nav ul { columns: 2; } .omitted { font-style: italic; }
            @media print { body { max-width: none; margin: 0; font-size: 10.5pt; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } nav { display: none; } }
            </style>
            </head>
            <body>
            <h1>\(escape(document.title))</h1>

            """
        for warning in document.warnings { out += "<p class=\"warning\">\(escape(warning))</p>\n" }
        out +=
            "<nav><ul>" + document.sections.map { "<li><a href=\"#\($0.id)\">\(escape($0.title))</a></li>" }.joined()
            + "</ul></nav>\n"
        for section in document.sections {
            out += "<section id=\"\(section.id)\">\n<h2>\(escape(section.title))</h2>\n"
            for paragraph in section.paragraphs { out += "<p>\(escape(paragraph))</p>\n" }
            for chart in section.charts { out += svg(chart) }
            for table in section.tables where !table.rows.isEmpty { out += html(table) }
            out += "</section>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    static func html(_ table: ReportDocument.Table) -> String {
        let rows = table.rows.prefix(ReportDocument.displayedRows)
        var out =
            "<table class=\"\(table.name)\">\n<thead><tr>" + table.columns.map { "<th>\(escape($0))</th>" }.joined()
            + "</tr></thead>\n<tbody>\n"
        for row in rows {
            out +=
                "<tr>"
                + row.map { cell in
                    let kind =
                        TextRendering.isNumeric(cell)
                        ? " class=\"n\""
                        : cell.hasPrefix("sha256:") || (cell.count == 40 && cell.allSatisfy(\.isHexDigit))
                            ? " class=\"digest\"" : ""
                    return "<td\(kind)>\(escape(cell))</td>"
                }.joined() + "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if table.rows.count > rows.count {
            out += "<p class=\"omitted\">\(table.rows.count - rows.count) more rows in the JSON or CSV report.</p>\n"
        }
        return out
    }

    /// A horizontal stacked bar chart of lines by origin, scaled to the largest bar
    /// (amounts) or each to the full width (shares).
    static func svg(_ chart: ReportDocument.Chart) -> String {
        let (title, bars, asShares): (String, [(label: String, lines: LineCounts)], Bool) =
            switch chart {
            case .stacked(let title, let bars): (title, bars, false)
            case .shares(let title, let bars): (title, bars, true)
            }
        guard !bars.isEmpty else { return "" }
        let largest = max(1, bars.map(\.lines.total).max() ?? 1)
        let labelWidth = 220, barWidth = 520, rowHeight = 22, top = 8
        let height = top + bars.count * rowHeight + 8
        var out = "<figure>\n<figcaption>\(escape(title))</figcaption>\n"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barWidth + 150)\" height=\"\(height)\" role=\"img\" aria-label=\"\(escape(title))\">\n"
        for (row, bar) in bars.enumerated() {
            let y = top + row * rowHeight
            let label = bar.label.count > 32 ? String(bar.label.prefix(31)) + "…" : bar.label
            out +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\" font-size=\"12\">\(escape(label))</text>\n"
            var x = labelWidth
            let counts = [bar.lines.ai, bar.lines.mixed, bar.lines.human, bar.lines.unknown]
            for (index, lines) in counts.enumerated() where lines > 0 {
                let width = max(1, lines * barWidth / (asShares ? max(1, bar.lines.total) : largest))
                out +=
                    "<rect x=\"\(x)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"\(rowHeight - 6)\" fill=\"\(colours[index].colour)\">"
                    + "<title>\(escape(bar.label)): \(lines) \(colours[index].name)</title></rect>\n"
                x += width
            }
            let caption =
                asShares ? "AI-written \(percent(bar.lines.originShare(bar.lines.aiWritten)))" : String(bar.lines.total)
            out += "<text x=\"\(x + 6)\" y=\"\(y + 15)\" font-size=\"12\">\(escape(caption))</text>\n"
        }
        out +=
            "</svg>\n<div class=\"legend\">"
            + colours.map { "<span><i style=\"background:\($0.colour)\"></i>\($0.name)</span>" }.joined()
            + "</div>\n</figure>\n"
        return out
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
