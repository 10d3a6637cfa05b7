"""Distribution: programmes, eligibility, rounds, allocations, disbursement (issue 3)."""
