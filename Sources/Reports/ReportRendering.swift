import Ledger

/// The formats of `git trace report`.
package enum ReportFormat: String, Sendable, CaseIterable {
    case text, markdown, json, csv, html
}

extension Report {
    package func rendered(as format: ReportFormat) -> String {
        switch format {
        case .json: return json.canonicalString + "\n"
        case .text: return TextRendering.render(ReportDocument(self))
        case .markdown: return MarkdownRendering.render(ReportDocument(self))
        case .csv: return CSVRendering.render(ReportDocument(self))
        case .html: return HTMLRendering.render(ReportDocument(self))
        }
    }
}

enum TextRendering {
    static func render(_ document: ReportDocument) -> String {
        var out = document.title + "\n" + String(repeating: "=", count: document.title.count) + "\n\n"
        for warning in document.warnings { out += "WARNING: \(warning)\n" }
        if !document.warnings.isEmpty { out += "\n" }
        for section in document.sections {
            out += section.title + "\n" + String(repeating: "-", count: section.title.count) + "\n"
            for paragraph in section.paragraphs { out += paragraph + "\n" }
            for table in section.tables where !table.rows.isEmpty {
                out += "\n" + renderTable(table)
            }
            out += "\n"
        }
        return out
    }

    static func renderTable(_ table: ReportDocument.Table) -> String {
        let rows = Array(table.rows.prefix(ReportDocument.displayedRows))
        // Tables of sentences (controls) read better as blocks than as 400-column rows.
        if rows.contains(where: { $0.contains { $0.count > 60 } }) {
            let width = table.columns.map(\.count).max() ?? 0
            return rows.map { row in
                zip(table.columns, row).map { column, cell in
                    column + ":" + String(repeating: " ", count: width - column.count + 1) + cell
                }.joined(separator: "\n") + "\n"
            }.joined(separator: "\n")
        }
        let widths = table.columns.indices.map { column in
            ([table.columns[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return isNumeric(cell) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        var out = line(table.columns) + line(widths.map { String(repeating: "-", count: $0) })
        for row in rows { out += line(row) }
        if table.rows.count > rows.count {
            out += "… \(table.rows.count - rows.count) more rows in --format json or csv\n"
        }
        return out
    }

    static func isNumeric(_ cell: String) -> Bool {
        cell == "n/a" || (cell.contains(where: \.isNumber) && cell.allSatisfy { $0.isNumber || $0 == "." || $0 == "%" })
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

enum MarkdownRendering {
    static func render(_ document: ReportDocument) -> String {
        var out = "# \(escape(document.title))\n\n"
        for warning in document.warnings { out += "> **Warning:** \(escape(warning))\n>\n" }
        if !document.warnings.isEmpty { out.removeLast(2); out += "\n" }
        for section in document.sections {
            out += "## \(escape(section.title))\n\n"
            for paragraph in section.paragraphs { out += escape(paragraph) + "\n\n" }
            for table in section.tables where !table.rows.isEmpty {
                let rows = table.rows.prefix(ReportDocument.displayedRows)
                out += "| " + table.columns.map(escape).joined(separator: " | ") + " |\n"
                out += "|" + table.columns.map { _ in " --- |" }.joined() + "\n"
                for row in rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
                if table.rows.count > rows.count {
                    out += "\n*\(table.rows.count - rows.count) more rows in --format json or csv.*\n"
                }
                out += "\n"
            }
        }
        return out
    }

    /// Markdown's active characters in table cells and text.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\|*_`<>[]#".contains(character) { out.append("\\") }
            out.append(character == "\n" ? " " : character)
        }
        return out
    }
}

/// One row per figure — section, table, row, column, value — so that every table of
/// the report fits one sheet and pivots in a spreadsheet (RFC 4180 quoting).
enum CSVRendering {
    static func render(_ document: ReportDocument) -> String {
        var out = "section,table,row,column,value\r\n"
        for section in document.sections {
            for table in section.tables {
                for row in table.rows {
                    for (index, column) in table.columns.enumerated().dropFirst() {
                        out +=
                            [section.id, table.name, row[0], column, row[index]].map(quote).joined(separator: ",")
                            + "\r\n"
                    }
                }
            }
        }
        for (index, warning) in document.warnings.enumerated() {
            out +=
                ["summary", "warnings", String(index + 1), "warning", warning].map(quote).joined(separator: ",")
                + "\r\n"
        }
        return out
    }

    static func quote(_ field: String) -> String {
        // A leading = + - @ would be a formula in a spreadsheet: keep it text.
        let safe = field.count > 1 && field.first.map { "=+-@".contains($0) } == true ? "'" + field : field
        guard safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
