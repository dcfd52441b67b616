// Reports: spec/reports.md. Figures over ranges of commits (stats, the compliance
// report and its JSON, HTML and text forms) from verified records and git's history.
