"""Every router of the service, in one list: the app includes them, and the role and fuzz tests walk
them, so a new endpoint cannot be left out of either."""

from api.routes import (
    admin,
    annual_reports,
    application_cases,
    application_items,
    application_letters,
    application_releases,
    application_suggestions,
    applications,
    instruments,
    intake,
    items,
    meta,
    models,
    reports,
    reviews,
    rules,
    stores,
)

MODULES = (meta, intake, items, reviews, stores, reports, rules, admin, applications, application_suggestions,
           application_letters, application_releases, application_cases,
           application_items, annual_reports, instruments, models)
