"""The header's language and large-text switches hand what was typed in the page's form back to it
(site.js, in a real browser: test_browser_switches.py); the page says which forms do."""

import re

from django.test import Client


def test_both_header_switches_keep_what_was_typed_and_the_page_loads_the_script_that_does(catalog):
    page = Client(headers={"Accept-Language": "en"}).get("/accounts/signup/").content.decode()
    header = re.search(r"<header.*?</header>", page, re.S).group(0)
    switches = re.findall(r"<form [^>]*>", header)
    assert len(switches) == 2 and all("data-keeps-typed" in form for form in switches)
    assert 'src="/static/js/site.js"' in page
    main = re.search(r"<main.*?</main>", page, re.S).group(0)
    assert "data-keeps-typed" not in main  # the page's own form is the one kept, never sent by the switch


def test_the_script_never_keeps_a_password_or_a_file():
    from django.contrib.staticfiles import finders

    script = open(finders.find("js/site.js"), encoding="utf-8").read()
    skipped = re.search(r"var SKIPPED = \{([^}]*)\}", script).group(1)
    assert "password: true" in skipped and "file: true" in skipped
    assert "sessionStorage" in script and "localStorage" not in script
