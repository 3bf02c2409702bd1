"""Emulator of the Zequenze Control API (headless inventory operations)."""
