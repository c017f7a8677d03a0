# Browser tests: Playwright (Python) drives Debian's Chromium headless against a
# live Django server. `playwright install` cannot download browsers here, so the
# tests launch /usr/bin/chromium, installed from apt when it is missing. A Chromium
# or Chrome that the machine already has (GitHub's Ubuntu runners ship Chrome) is
# used as it is.

CHROMIUM ?= $(or $(firstword $(wildcard \
	/usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome)),/usr/bin/chromium)
APT_GET := DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get \
	-o DPkg::Lock::Timeout=600

.PHONY: test-browser chromium axe

# Other helpers may run apt at the same time; the lock timeout waits for them.
# A font is installed too: without one, screenshots show boxes instead of letters.
$(CHROMIUM):
	$(APT_GET) update
	$(APT_GET) install -y --no-install-recommends chromium fonts-dejavu-core

chromium: $(CHROMIUM) ## Install Debian's Chromium for the browser tests (if missing)

# axe-core (npm, pinned) for the accessibility checks of the browser tests
# (tests/browser/axe.py injects it into pages; zero violations expected).
AXE_VERSION := 4.14.1
AXE_JS := $(CACHE_DIR)/axe-$(AXE_VERSION)/node_modules/axe-core/axe.min.js
export AXE_JS

$(AXE_JS):
	npm install --silent --no-audit --no-fund --prefix "$(CACHE_DIR)/axe-$(AXE_VERSION)" axe-core@$(AXE_VERSION)

axe: $(AXE_JS) ## Install axe-core for the browser tests' accessibility checks (if missing)

# The journeys through what lives only in the database's newer parts (lists,
# sharing, the plan, quick add, view-only pages) run once more on the MongoDB
# stand-in: the live server shares the test process, so it sees the same fake.
BROWSER_ON_MONGO := tests/browser/test_task_journey.py tests/browser/test_lists_and_sharing.py \
	tests/browser/test_export_import.py tests/browser/test_settings.py \
	tests/browser/test_planning.py tests/browser/test_quick_add.py tests/browser/test_view_only.py

test-browser: $(VENV)/.installed $(CHROMIUM) $(AXE_JS) ## Browser journeys in headless Chromium (screenshots in test-artifacts/screenshots)
	@mkdir -p "$(ARTIFACTS)/screenshots"
	CHROMIUM="$(CHROMIUM)" $(PYTEST) -m browser tests/browser || { \
		echo ""; echo "  Pages of the failing browser tests: $(ARTIFACTS)/screenshots/failures/"; \
		exit 1; }
	TASKAPP_TEST_DB=mongo CHROMIUM="$(CHROMIUM)" $(PYTEST) -m browser $(BROWSER_ON_MONGO) || { \
		echo ""; echo "  (on the MongoDB stand-in) Pages: $(ARTIFACTS)/screenshots/failures/"; \
		exit 1; }
	@echo ""
	@echo "  Screenshots of the task list: $(ARTIFACTS)/screenshots/"
