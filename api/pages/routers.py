"""Every page module's router, in one list for api/app.py (each owns its paths; none is in the API's schema)."""

from __future__ import annotations

from api.pages import (admin, annual, application_links, applications, assets, clerk, instrument_page, models_page, office,
                       release_page, review, rules, signin, slip)

PAGE_MODULES = (assets, signin, slip, clerk, review, office, rules, models_page, admin, applications, application_links, release_page, annual,
                instrument_page)
