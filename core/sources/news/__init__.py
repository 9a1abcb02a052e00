"""Company news from paid vendors, as the same NewsItem rows as RSS (see ``vendors``)."""
from core.sources.news.vendors import NEWS_VENDORS, sniff_news_provider

__all__ = ["NEWS_VENDORS", "sniff_news_provider"]
