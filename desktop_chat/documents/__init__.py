"""PDF extraction, chunking and retrieval (no Qt). Arrives with the PDF issue."""
