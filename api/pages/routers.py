"""Every page module's router, in one list for api/app.py (each owns its paths; none is in the API's schema)."""

from __future__ import annotations

from api.pages import admin, applications, assets, clerk, office, review, rules, signin, slip

PAGE_MODULES = (assets, signin, slip, clerk, review, office, rules, admin, applications)
