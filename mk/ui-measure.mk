# UI measurements and translations (owned by the UI engineer).

.PHONY: measure-ui ui-messages

UI_MEASURE_DIR := $(CACHE_DIR)/ui-measure

# bench/measure_ui.py creates and deletes a user, so it is not part of the shipped
# packages and runs here on its own SQLite file (never a configured MongoDB).
UI_MEASURE_ENV := env -u MONGODB_URI TASKAPP_DEBUG=true TASKAPP_DATA_DIR=$(UI_MEASURE_DIR)

measure-ui: $(VENV)/.installed ## HTML size, queries and JS size of the task list with 50 tasks
	@mkdir -p $(UI_MEASURE_DIR)
	$(UI_MEASURE_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(UI_MEASURE_ENV) $(BIN)/python -m bench.measure_ui

# makemessages/compilemessages need GNU gettext; install it on a fresh Debian machine.
ui-messages: $(VENV)/.installed ## Update the German .po from the code and compile the .mo (commit both)
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }
	TASKAPP_DEBUG=true $(BIN)/python manage.py makemessages -l de --no-location \
		--ignore=.venv --ignore=tests --ignore=staticfiles --ignore=build
	msgattrib --no-obsolete -o taskapp/locale/de/LC_MESSAGES/django.po taskapp/locale/de/LC_MESSAGES/django.po
	TASKAPP_DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv
	@msgfmt --check --statistics -o /dev/null taskapp/locale/de/LC_MESSAGES/django.po
