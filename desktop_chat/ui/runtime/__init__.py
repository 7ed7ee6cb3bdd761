"""What every window needs underneath: the asyncio bridge, translations, resources, the single-instance server."""
