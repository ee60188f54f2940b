"""The web pages (issue 16): server-rendered HTML over the same use cases and authorisation as the JSON API
(api/routes/)."""
