# Thin wrapper around CMake; see README.md.
JOBS ?= $(shell nproc)
RELEASE := build/release
ASAN := build/asan
RUN_ARGS ?=

.PHONY: all deps build build-asan run test test-release test-asan bench fuzz format clean

all: build

deps:
	scripts/install-deps.sh

build:
	cmake -S . -B $(RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(RELEASE) -j $(JOBS)

build-asan:
	cmake -S . -B $(ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DMESHCHAT_SANITIZE=ON -DMESHCHAT_FUZZ=ON
	cmake --build $(ASAN) -j $(JOBS)

# Starts a node in the default home (creating its identity on first run).
run: deps build
	scripts/run-node.sh $(RELEASE)/meshchat $(RUN_ARGS)

# Everything CI runs: release build with all suites, then ASan+UBSan build with unit, integration
# and fuzz smoke tests.
test: deps
	scripts/run-tests.sh

bench: deps build
	scripts/run-bench.sh $(RELEASE)

fuzz: deps build-asan
	scripts/run-fuzz.sh $(ASAN) $(or $(SECONDS),300)

format:
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
