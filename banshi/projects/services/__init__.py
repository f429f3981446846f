"""The projects app's writes. The register's are in `register` (projects, updates, milestones, the
roll-up) and `transfer` (CSV and XLSX in and out)."""
