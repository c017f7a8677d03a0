from tests.ui.helpers import forms_in


def test_the_header_has_a_logout_form(logged_in_client):
    forms = forms_in(logged_in_client.get("/").content)
    assert any(form["action"] == "/accounts/logout/" for form in forms.values())


def test_it_logs_out_with_post(logged_in_client):
    response = logged_in_client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert logged_in_client.get("/").status_code == 302


def test_a_get_asks_instead_of_logging_out(logged_in_client):
    # Issue 11: no bare 405; a GET changes nothing and offers the POST form.
    response = logged_in_client.get("/accounts/logout/")
    assert response.status_code == 200
    assert "/accounts/logout/" in [form["action"] for form in forms_in(response.content).values()]
    assert logged_in_client.get("/").status_code == 200
