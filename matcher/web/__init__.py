"""The referrer web app: `matcher serve` (Starlette + Jinja2 templates, served by uvicorn).

Pages and the JSON API under /api/ call the same library API as the CLI (matcher.api).
The app's own tables (users, sessions, audit, referrals, login attempts, the notes'
full-text index) live in the same SQLite file, all prefixed `web_`, created by
the store's migration 3 (matcher.store.web_tables) when any command first opens the file.
"""
