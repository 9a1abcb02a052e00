"""Market data and company news from many vendors: which providers exist (``catalog``), how
their calls are budgeted (``quota``), the failover chain (``chain``) and the cross-provider
close check (``agreement``). The vendors' own protocols live in ``core/sources/prices`` and
``core/sources/news``; this package decides which one is asked, and records why.
"""
