# cyclec — common tasks. `make test` is what CI runs.
GO ?= go
EXAMPLES := lorenz96/etkf lorenz96/etkf24rot lorenz96/enkf lorenz96/denkf lorenz96/etkffile lorenz63/etkf lorenz63/enkf linear/etkf linear/enkf linear/netshift plume/enkf lorenz96/goetkf lorenz96/emulator lorenz96/ensrf lorenz96/eakf7 lorenz63/pf100 lorenz63/pf800 lorenz96/etkf20adaptive lorenz96/enkf28clim lorenz96/enks lorenz96/letkf7 lorenz96/letkf10 lorenz96/letkf10adaptive lorenz96/letkf20 big/ring big/tracer recurrence/newton sequence/spinup windowed/rolling lorenz96/ekf lorenz63/ekf lorenz96/var4d lorenz96/smoother lorenz96/clim lorenz63/clim lorenz96/oi lorenz96/var3d lorenz63/oi lorenz63/var3d scale/scale

.PHONY: all deps test lint build golden examples bench bench-scale reproduce fuzz clean

all: lint test

## deps: the tools the interoperability tests run (ncdump; Debian's python3 with NumPy for the
## neural cross-check, and xarray, netCDF4 and scipy for the NetCDF files), installed with
## apt-get only when they are missing (needs root)
INTEROP_DEBS := netcdf-bin python3-numpy python3-xarray python3-netcdf4 python3-scipy
deps:
	@if command -v ncdump >/dev/null 2>&1 && /usr/bin/python3 -c 'import numpy, xarray, scipy.io, netCDF4' >/dev/null 2>&1; then \
		echo "deps: ncdump, NumPy and xarray are installed"; \
	else \
		echo "deps: installing $(INTEROP_DEBS)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(INTEROP_DEBS); \
	fi

## test: gofmt and vet, then every test (goldens compiled, examples checked fresh, scores reproduced)
test: deps lint
	$(GO) test ./...

## lint: gofmt and go vet must be clean
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './testdata/*') | grep -v '^testdata/' || true); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## build: the cyclec binary in bin/
build:
	$(GO) build -o bin/cyclec ./cmd/cyclec

## golden: regenerate testdata/golden/*/ expected Go from each input.cyc
golden:
	$(GO) test . -run TestGolden -update

## examples: regenerate the committed Go of every example
examples:
	@for e in $(EXAMPLES); do \
		echo "cyclec build examples/$$e.cyc -o examples/$$e"; \
		$(GO) run ./cmd/cyclec build examples/$$e.cyc -o examples/$$e || exit 1; \
	done

## bench: speed of one DA cycle over the generated code, and of the analyses alone
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./examples/... ./runtime/

## bench-scale: time per L96 ETKF and EnKF cycle as the ensemble (N = 10 … 160 at n = 40) and
## the state (n = 200 … 5000 at N = 40) grow, as a table (medians of 3 runs; docs/performance.md);
## the raw output, for benchstat, is left in bin/bench-scale.txt
bench-scale:
	@mkdir -p bin
	@echo "load: $$(cat /proc/loadavg 2>/dev/null || uptime)"
	$(GO) test -run '^$$' -bench Scale -benchmem -benchtime 1s -count 3 -v ./examples/scale/scale/ > bin/bench-scale.txt || { cat bin/bench-scale.txt; exit 1; }
	@$(GO) run ./examples/scale/benchtable < bin/bench-scale.txt
	@echo "load: $$(cat /proc/loadavg 2>/dev/null || uptime)"

## reproduce: the benchmarks.md scores, seeds 1-5, as JSON lines
reproduce:
	@for e in lorenz96/etkf24rot lorenz96/etkf lorenz96/enkf lorenz96/denkf lorenz96/ensrf lorenz96/eakf7 lorenz96/letkf7 lorenz96/letkf10 lorenz63/etkf lorenz63/pf100 lorenz63/pf800 lorenz96/ekf lorenz63/ekf lorenz96/oi lorenz96/var3d lorenz63/oi lorenz63/var3d lorenz96/var4d; do \
		for s in 1 2 3 4 5; do \
			$(GO) run ./cmd/cyclec run examples/$$e.cyc --json --set seed=$$s || exit 1; \
		done; \
	done

## fuzz: a few minutes of fuzzing the parser and the checker
fuzz:
	$(GO) test ./lang -run '^$$' -fuzz FuzzParse -fuzztime 2m
	$(GO) test ./check -run '^$$' -fuzz FuzzCheckSource -fuzztime 3m

clean:
	rm -rf bin
