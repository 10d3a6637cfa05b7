"""The partners service: companies (CSR/TJSL), NGOs, the Puskesmas and posyandu,
universities and community groups, their programmes, enrolments and health
schedules (issue 11; docs/partners.md)."""
