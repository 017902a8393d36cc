# Entry points. Each target sets up what it needs itself (venvs under .venv*, caches under .cache).
# The logic lives in tools/*.sh so it can be read and run without make.
.PHONY: help venv demo test units sanity integration lint docs bench clean py313 floor browser package gates

help:
	@echo "make demo         set up everything and run the collection against the bundled EM emulator"
	@echo "make test         set up everything and run every test and quality gate (what CI runs)"
	@echo "make units        unit tests only (ansible-test units, default leg)"
	@echo "make integration  integration tests only (ansible-test integration against the emulator)"
	@echo "make sanity       ansible-test sanity only"
	@echo "make lint         ansible-lint, antsibull-docs lint, antsibull-changelog lint"
	@echo "make docs         build the HTML documentation offline into docs/build/html"
	@echo "make bench        run the benchmarks and rewrite docs/performance.md"
	@echo "make py313        sanity, units, integration on ansible-core 2.21 / Python 3.13"
	@echo "make floor        sanity, units, integration on ansible-core 2.17 / Python 3.11 (requires_ansible)"
	@echo "make browser      the HTML report test in headless Chromium (installs chromium with apt as root)"
	@echo "make package      build the collection tarball (+ galaxy-importer) and the EE build context"
	@echo "make gates        list every gate; run one with tools/test.sh GATE"

venv:
	tools/venv.sh

demo:
	tools/demo.sh

test:
	tools/test.sh

units:
	tools/test.sh units

sanity:
	tools/test.sh sanity

integration:
	tools/test.sh integration

lint:
	tools/test.sh lint

py313:
	tools/test.sh py313

floor:
	tools/test.sh floor

browser:
	tools/test.sh browser

package:
	tools/test.sh package

gates:
	@tools/test.sh --list

docs:
	tools/docs.sh

bench:
	tools/bench.sh

clean:
	rm -rf .cache tests/output tests/integration/inventory collections docs/build context
