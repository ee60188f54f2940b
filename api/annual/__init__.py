"""The annual report as the service keeps it (issue 18; applications.md §3): the registers read for a year
(sources), the office's draft with its entries and corrections (drafts), submission through review into the
proactive store, the catalog's 规章 and 行政规范性文件 (instruments), and the report printed in the national
layout as DOCX, XLSX, CSV and HTML. The counting and the checks are the engine's (engine/annual)."""
