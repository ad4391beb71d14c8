# canary: `make run` sets everything up and runs canary; `make test` passes the tests.
SWIFT ?= swift
PREFIX ?= /usr/local
ENSURE = ./scripts/ensure-packages.sh

.PHONY: deps test-deps build release test lint format run install bench stress clean

## deps: libcurl's, OpenSSL's libcrypto and SQLite's headers (and pkg-config), only when missing
deps:
	@$(ENSURE) pkg-config:libcurl:libcurl4-openssl-dev pkg-config:libcrypto:libssl-dev pkg-config:sqlite3:libsqlite3-dev

## test-deps: what the tests run besides canary: openssl makes and serves test certificates;
## promtool, node_exporter and the Pushgateway check the Prometheus output; Alertmanager
## routes canary's alerts; sqlite3 reads the history back; Chromium renders the HTML report;
## check_curl runs beside canary check; jsonschema checks the JSON report; man renders the man page
test-deps: deps
	@$(ENSURE) openssl:openssl /usr/bin/time:time promtool:prometheus prometheus-node-exporter:prometheus-node-exporter \
		prometheus-pushgateway:prometheus-pushgateway prometheus-alertmanager:prometheus-alertmanager sqlite3:sqlite3 \
		chromium:chromium python3:python3 python3:jsonschema:python3-jsonschema man:man-db \
		/usr/lib/nagios/plugins/check_curl:monitoring-plugins-standard \
		so:liburiparser.so.1:liburiparser1

build: deps
	$(SWIFT) build

## release: a release binary with the Swift runtime and Foundation linked in: one file to
## copy (it needs only libcurl, the OpenSSL libcrypto that libcurl4-openssl brings, and libsqlite3), and start-up a third shorter than with shared libraries
release: deps
	$(SWIFT) build -c release --product canary --static-swift-stdlib

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests

format:
	$(SWIFT) format format --in-place --recursive Sources Tests

## test: lint, then build everything and run every test, at most 8 at once: Swift Testing
## otherwise starts all 300 together, and on 2 cores the burst of simulators and canary
## processes slowed answers past the timing tests' bounds (7 failed each run; 8 at once
## passes in 131 s, faster than all at once)
TEST_WIDTH ?= 8
test: test-deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) build --product generate-manual
	$(SWIFT) test --skip-build --experimental-maximum-parallelization-width $(TEST_WIDTH)

## stress: the catalogues too long for make test: 200 kill -9 runs, 10 minutes of loader fuzzing
stress: test-deps
	$(SWIFT) build --build-tests
	CANARY_STRESS=1 CANARY_FUZZ_SECONDS=$${CANARY_FUZZ_SECONDS:-600} \
		$(SWIFT) test --skip-build --experimental-maximum-parallelization-width $(TEST_WIDTH) \
		--filter 'CrashSafetyTests|HostileInputTests'

## run: build in release mode and watch canary catch a replayed portal outage (offline, ~1 minute)
run: release
	.build/release/canary demo

## install: the binary, its man page (man canary) and bash, zsh and fish completions, the
## last two generated from the command definitions
install: release
	$(SWIFT) build --product generate-manual
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/release/canary $(DESTDIR)$(PREFIX)/bin/canary
	./scripts/install-docs.sh .build/release/canary "$$($(SWIFT) build --show-bin-path)/generate-manual" \
		$(DESTDIR)$(PREFIX)

## bench: side-by-side measurements, printed and summed up in bench/RESULTS.md
bench: release
	@$(ENSURE) nginx:nginx curl:curl /usr/bin/time:time python3:python3 gcc:gcc \
		prometheus-blackbox-exporter:prometheus-blackbox-exporter \
		/usr/lib/nagios/plugins/check_curl:monitoring-plugins-standard \
		so:liburiparser.so.1:liburiparser1
	./bench/overhead.sh 1000 50 5
	./bench/overhead.sh 1000 500 5
	./bench/overhead.sh 10000 50 3 no
	./bench/overhead.sh 10000 500 3 no
	./bench/journey.sh 1000 50 5
	./bench/watch-scale.sh 1000 5s 60 files
	./bench/watch-scale.sh 1000 5s 60 listen
	./bench/watch-scale.sh 10000 10s 60 files
	./bench/watch-scale.sh 20000 60s 150 files
	./bench/probe-endpoint.sh 1000 50 3
	./bench/floor.sh 10000 50 5
	./bench/floor.sh 1000 50 5
	./bench/fidelity.sh 20
	./bench/deadline.sh 3
	./bench/memory.sh
	./bench/startup.sh 200
	@$(ENSURE) sqlite3:sqlite3
	./bench/history-report.sh 400 20

clean:
	rm -rf .build
