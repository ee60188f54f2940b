"""The annual report on government information disclosure (政府信息公开工作年度报告, 条例第四十九条、第五十条) in
the national format of 2021 (国办公开办函〔2021〕30号): its layout, its tables counted from the registers, and
its checks (applications.md §3). Pure: the service reads the registers and hands the records in."""
