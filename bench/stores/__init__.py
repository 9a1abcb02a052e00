"""Store builders for the benchmarks (and the small seeded stores of the UI tests)."""
