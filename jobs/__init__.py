"""Background jobs: schedule and run the core steps, record every run. No business logic."""
