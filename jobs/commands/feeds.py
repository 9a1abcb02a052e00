"""``feeds``: list, add and remove news and lead feeds (what the Settings page edits)."""
from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("feeds", help="List, add or remove news and lead feeds.",
                       description="The feeds the news and leads jobs poll. A lead feed may be an "
                       "RSS/Atom URL, a subreddit URL (read through Reddit's API when "
                       "SIGNALDESK_REDDIT_CLIENT_ID/_SECRET are set) or the HN hiring-thread search.")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = s.add_parser("list", help="Print the feeds (tab-separated).")
    ls.add_argument("--kind", choices=["news", "leads"], default=None, help="Only this kind.")
    ls.set_defaults(func=_list)
    add = s.add_parser("add", help="Add a feed (a known URL is left as it is).")
    add.add_argument("url", help="http(s) URL of the feed.")
    add.add_argument("--kind", choices=["news", "leads"], required=True, help="What the feed gives.")
    add.add_argument("--name", default=None, help="Display name (default: derived from the URL).")
    add.add_argument("--platform", default=None, help="reddit, hn or rss (default: from the URL).")
    add.set_defaults(func=_add)
    rm = s.add_parser("remove", help="Remove a feed by URL.")
    rm.add_argument("url")
    rm.set_defaults(func=_remove)


def _store():
    from core.config import get_settings
    from core.store import Store

    return Store.from_settings(get_settings())


def _list(args) -> int:
    from core.store.feeds import list_feeds

    frame = list_feeds(_store(), args.kind)
    print("kind\tenabled\tplatform\tname\turl")
    for r in frame.iter_rows(named=True):
        print(f"{r['kind']}\t{str(r['enabled']).lower()}\t{r['platform']}\t{r['name']}\t{r['url']}")
    return 0


def _add(args) -> int:
    from core.store.feeds import _lead_name, _platform, add_feeds

    url = args.url.strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        print(f"not an http(s) URL: {url[:200]!r}", file=sys.stderr)
        return 1
    name = args.name or (_lead_name(url) if args.kind == "leads" else url.split("/")[2])
    n = add_feeds(_store(), [{"url": url, "kind": args.kind, "name": name,
                              "platform": args.platform or _platform(url)}])
    print(f"added {url}" if n else f"already known: {url} (left as it is)")
    return 0


def _remove(args) -> int:
    from core.store.feeds import list_feeds, remove_feed

    store = _store()
    if args.url not in list_feeds(store)["url"].to_list():
        print(f"no feed {args.url!r}", file=sys.stderr)
        return 1
    remove_feed(store, args.url)
    print(f"removed {args.url}")
    return 0
