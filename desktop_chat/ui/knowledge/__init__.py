"""Knowledge bases in the window: the picker, indexing progress (see chat/knowledge.py)."""
