from django.contrib.auth.models import User

from tests.ui.helpers import form_data

PASSWORD = "a long unusual passphrase 7"


def test_it_signs_up_and_logs_in(client, db):
    page = client.get("/accounts/signup/")
    html = page.content.decode()
    assert '<label for="id_username">Username' in html
    assert '<label for="id_password1">Password' in html
    assert '<label for="id_password2">Password confirmation' in html
    data = form_data(
        page.content, "/accounts/signup/", username="carol", password1=PASSWORD, password2=PASSWORD
    )
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302 and response["Location"] == "/"
    assert User.objects.filter(username="carol").exists()
    assert b"No tasks yet" in client.get("/").content


def test_it_shows_errors_next_to_fields(client, db):
    response = client.post(
        "/accounts/signup/", {"username": "", "password1": "x", "password2": "y"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="error-username"' in html and 'id="error-password2"' in html
    assert not User.objects.exists()


def test_it_says_when_sign_up_is_off(client, db, settings):
    settings.ALLOW_SIGNUP = False
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert b"Sign-up is turned off" in response.content
    assert b'name="password1"' not in response.content


def test_it_refuses_a_post_when_sign_up_is_off(client, db, settings):
    settings.ALLOW_SIGNUP = False
    data = {"username": "carol", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 403
    assert not User.objects.exists()
