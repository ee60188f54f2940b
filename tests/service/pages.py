"""People on the pages in the service tests: a user made (once) and signed in through the sign-in form,
on the shared test client or on a client of their own (a browser of their own)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from api.access import users
from api.context import Actor

PASSWORD = "长城-correct-horse-7"
SETUP = Actor("test-setup", "admin")


def make_person(app: Any, name: str, role: str, division: str | None = None) -> None:
    """A user, unless one of that name exists already."""
    with app.state.sessions() as session:
        if users.find(session, name) is None:
            users.create(session, name=name, role=role, division=division, password=PASSWORD, by=SETUP)
            session.commit()


def csrf_of(client: TestClient, path: str = "/") -> str:
    """The session's CSRF token, as a page's forms carry it."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None, f"no form on {path}"
    return found.group(1)


def sign_in_on(client: TestClient, app: Any, name: str, role: str, division: str | None = None) -> str:
    """`name` (made if new) signed in on `client`, whoever was signed in there before; the CSRF token."""
    make_person(app, name, role, division)
    client.cookies.clear()
    signed = client.post("/signin", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert signed.status_code == 303, signed.text
    return csrf_of(client)


def person(app: Any, name: str, role: str, division: str | None = None) -> TestClient:
    """A client of its own, signed in as `name`."""
    client = TestClient(app)
    sign_in_on(client, app, name, role, division)
    return client
