# The two commands a newcomer needs: `make demo` and `make test`.
BUILD_DIR      ?= build
ASAN_BUILD_DIR ?= build-asan
DEMO_LISTEN    ?= 127.0.0.1:8080
# A unity build compiles each library in batches of eight sources, parsing the shared
# headers once per batch: a clean build takes 8.5 min instead of 13 (Release) and 10
# instead of 15 (sanitizers) on two cores.
CMAKE_FLAGS    ?= -G Ninja -DCMAKE_BUILD_TYPE=Release -DFINCYBER_WERROR=ON -DCMAKE_UNITY_BUILD=ON
JOBS           ?= $(shell nproc)

.PHONY: all deps build web test test-asan check-layers demo bench clean

all: build

deps:
	scripts/install-deps.sh

build: deps web
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS)

web: deps
	cd web && npm run build

check-layers:
	scripts/check_layers.sh

# Unit, database (SQLite and PostgreSQL), integration and browser tests, then the
# unit tests again under AddressSanitizer + UBSan.
test: build check-layers
	FINCYBER_TEST_PG="$$(scripts/start-postgres.sh)" \
	  ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	$(MAKE) test-asan

test-asan: deps
	cmake -S . -B $(ASAN_BUILD_DIR) $(CMAKE_FLAGS) -DFINCYBER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(ASAN_BUILD_DIR) -j $(JOBS) --target unit_tests
	ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure -j $(JOBS) -L unit -E '^(web_unit|check_layers_test)$$'

demo: build
	$(BUILD_DIR)/fincyber demo --listen $(DEMO_LISTEN)

bench: build
	bench/run.sh

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) web/dist
