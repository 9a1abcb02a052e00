"""One module per CLI command; ``jobs.__main__`` discovers them."""
