def test_pages_send_a_strict_csp(logged_in_client):
    response = logged_in_client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_handlers(logged_in_client, user):
    from taskapp.tasks import services

    task = services.task_create(owner=user, title="Buy milk", due_date="2001-01-01")
    for url in ("/", "/trash/", "/import/", "/accounts/tokens/", f"/tasks/{task.id}/edit/"):
        html = logged_in_client.get(url).content.decode()
        scripts = html.count("<script")
        assert scripts == html.count("<script src=") == 3, url
        assert " onclick=" not in html and " onchange=" not in html and " hx-on" not in html


def test_htmx_gets_the_csrf_token_in_a_header(logged_in_client):
    html = logged_in_client.get("/").content.decode()
    token = logged_in_client.cookies["csrftoken"].value
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert token  # the cookie is set; the masked token in the page matches it server-side


def test_login_page_sends_csp_too(client, db):
    assert "frame-ancestors 'none'" in client.get("/accounts/login/")["Content-Security-Policy"]
