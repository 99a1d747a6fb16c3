"""Stage gates: business cases, gate requests, decisions under delegated authority, funding release, equality impact assessments."""
