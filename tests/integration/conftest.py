"""Integration fixtures: loopback fakes of the outside world."""
from tests.fakes.http_server import fake_http  # noqa: F401  (pytest fixture)
