# The two commands a new machine needs: `make serve` and `make test`.
# Each installs what is missing first, and is safe to run again.

.PHONY: serve test setup test-lint test-native test-browser test-build test-e2e size bench lighthouse clean \
	test-fuzz fuzz

serve:
	scripts/setup.sh build
	scripts/serve.sh

test:
	scripts/setup.sh test
	scripts/test.sh

# Single layers, for working on one thing (run `make test` once first to install).
test-lint:
	scripts/test.sh lint
test-native:
	scripts/test.sh native
test-fuzz:
	scripts/test.sh fuzz
test-browser:
	scripts/test.sh browser
test-build:
	scripts/test.sh build
test-e2e:
	scripts/test.sh build e2e
size:
	scripts/test.sh size
bench:
	scripts/setup.sh bench
	scripts/test.sh build bench
# Only the Lighthouse part of `make bench`.
lighthouse:
	scripts/setup.sh bench
	scripts/test.sh build lighthouse

# The long fuzzing run: 1,000,000 inputs for each fuzz target, with the figures at the end.
fuzz:
	scripts/setup.sh fuzz
	scripts/test.sh fuzz_long

clean:
	cargo clean
	rm -rf dist target/e2e-site
