"""Sources: the only code that reads input from the network.

Every adapter fetches through the shared HTTP layer (``core.sources.http``), which gives it
timeouts, a size cap, conditional GET, bounded concurrency, per-host rate limits and retries.
"""
from core.sources.http import FetchResult, HttpClient, MemoryValidatorCache, ValidatorCache

__all__ = ["FetchResult", "HttpClient", "MemoryValidatorCache", "ValidatorCache"]

# Source adapters (ingestion): the Protocol every vendor adapter follows, and the registry.
from core.sources.registry import SOURCES, Source, get_source, parse_document

__all__ += ["SOURCES", "Source", "get_source", "parse_document"]
