"""A fake Coolify API server for the coolifyfs tests.

The behaviour it reproduces is described in /work/shared/api/NOTES.md; every
quirk in this package names the NOTES section it comes from.
"""
