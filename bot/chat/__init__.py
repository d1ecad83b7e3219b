"""Conversations: follow-ups made standalone (``rewrite``, ``antecedents``), small talk, streaming events."""
