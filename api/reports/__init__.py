"""The reports (issue 5): statistics, accuracy and supervision, as JSON, CSV, XLSX and HTML pages.

What a report is (report.py), each report in its own module with its declaration at the end
(statistics.py, accuracy.py with rule_health.py and accuracy_views.py, supervision.py), the one list of
them (registry.REPORTS), and what they share: tables.py (named tables with Chinese headers), page.py
and charts.py (the HTML page's pieces), html.py (the page), xlsx.py, cells.py (no formulas in a
spreadsheet); exports.py writes the service's lists the same way.
"""
