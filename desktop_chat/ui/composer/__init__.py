"""Where the user writes: the composer box, attachments (chips, loading, routing, previews)."""
