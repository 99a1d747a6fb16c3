"""The Enabling Technology Programme (ETP) demo data, from the council report in
``shared/seed/etp-resourcing-decision-report.md``. Facts the report does not state (people's
names, dates, owners, budgets, RAG) are invented for the demonstration and marked illustrative."""
