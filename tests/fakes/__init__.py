"""Fakes of the outside world that speak the real protocol on 127.0.0.1 (one module per service)."""
