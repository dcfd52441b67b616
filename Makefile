# SessionTrace (`git trace`). `make install` and `make test` are the two commands a
# fresh machine needs; both install the Debian packages they use when missing.

PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
SHAREDIR = $(DESTDIR)$(PREFIX)/share
SWIFT ?= swift
VENV = .build/interop-venv
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)
MANUAL = .build/plugins/GenerateManual/outputs/git-trace/git-trace.1
# The installed binary links the Swift runtime statically: it starts in half the
# time, which agent hooks (one process per tool call) feel. Separate scratch path,
# because the man page plugin builds the package its own way in .build. Linked as a
# position-dependent executable: the loader then has no 100,000 relative relocations
# of the Swift runtime and Foundation to apply at every start (1 ms; BENCHMARKS.md).
RELEASE = .build-static/release/git-trace
RELEASE_FLAGS = -c release --static-swift-stdlib --scratch-path .build-static -Xswiftc -Xclang-linker -Xswiftc -no-pie
# libgit2 and its libraries are linked statically too, where their archives are
# installed: a hook call then loads none of their eight shared libraries and binds none
# of their symbols (Debian links them BIND_NOW), 1.7 ms of every call (BENCHMARKS.md).
# SwiftPM links libgit2 as pkg-config names it: RELEASE_LINK writes a libgit2.pc naming
# the archives, and the flags that go with them (no_tls.c, no_gssapi.c); without them
# it writes none, and the shared libgit2 is used. A libgit2 security update reaches the
# binary at the next 'make install'.
STATIC_PC = .build-static/pkgconfig
RELEASE_LINK = .build-static/release-link-flags
RELEASE_BUILD = PKG_CONFIG_PATH=$(CURDIR)/$(STATIC_PC) $(SWIFT) build $(RELEASE_FLAGS) $$(cat $(RELEASE_LINK))

.PHONY: all build deps test-deps install uninstall test lint format interop-venv bench fuzz clean vscode train-classifier

all: build

# Debian packages: libgit2 and OpenSSL to build; git, ssh-keygen, openssl, man,
# python3-venv, chromium (the HTML report's rendering test), curl (check's webhook
# alerts), and node, zip and unzip (the VS Code extension's tests and .vsix) for the
# tests and the man page.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	pkg-config --exists libgit2 2>/dev/null || missing="$$missing libgit2-dev"; \
	pkg-config --exists libcrypto 2>/dev/null || missing="$$missing libssl-dev"; \
	command -v git >/dev/null || missing="$$missing git"; \
	command -v man >/dev/null || missing="$$missing man-db"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

test-deps: deps
	@missing=""; \
	command -v ssh-keygen >/dev/null || missing="$$missing openssh-client"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v zip >/dev/null || missing="$$missing zip"; \
	command -v unzip >/dev/null || missing="$$missing unzip"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: $(RELEASE_LINK)
	$(RELEASE_BUILD) --product git-trace

# Rewritten at each build: the archives installed may have changed. glibc's own
# libraries (rt, pthread, dl, m) stay shared.
.PHONY: $(RELEASE_LINK)
$(RELEASE_LINK): deps
	@mkdir -p $(STATIC_PC); libdir=$$(pkg-config --variable=libdir libgit2); libs=""; static=yes; \
	for flag in $$(pkg-config --static --libs-only-l libgit2); do name=$${flag#-l}; \
		case $$name in rt|pthread|dl|m) libs="$$libs $$flag";; \
		*) if [ -f "$$libdir/lib$$name.a" ]; then libs="$$libs -l:lib$$name.a"; else static=no; fi;; esac; \
	done; \
	if [ $$static = yes ]; then \
		printf 'Name: libgit2\nDescription: libgit2 and its libraries, linked statically\nVersion: %s\nLibs: -L%s%s\nCflags: %s\n' \
			"$$(pkg-config --modversion libgit2)" "$$libdir" "$$libs" "$$(pkg-config --cflags libgit2)" > $(STATIC_PC)/libgit2.pc.new; \
		cmp -s $(STATIC_PC)/libgit2.pc.new $(STATIC_PC)/libgit2.pc && rm $(STATIC_PC)/libgit2.pc.new || mv $(STATIC_PC)/libgit2.pc.new $(STATIC_PC)/libgit2.pc; \
		echo "-Xcc -DSESSIONTRACE_STATIC_LIBGIT2 -Xlinker --wrap=mbedtls_x509_crt_parse_file" > $@; \
	else \
		echo "note: libgit2's static archives are not all installed: linking the shared libgit2"; \
		rm -f $(STATIC_PC)/libgit2.pc; : > $@; \
	fi

$(MANUAL): deps
	$(SWIFT) package --allow-writing-to-package-directory generate-manual

install: build $(MANUAL)
	install -d $(BINDIR) $(MANDIR)
	install -m 0755 $(RELEASE) $(BINDIR)/git-trace
	# Blank lines in the generated mdoc are paragraph breaks: write them as .Pp.
	sed 's/^$$/.Pp/' $(MANUAL) > $(MANDIR)/git-trace.1 && chmod 0644 $(MANDIR)/git-trace.1
	# Shell completions, as ArgumentParser generates them, where each shell looks.
	install -d $(SHAREDIR)/bash-completion/completions $(SHAREDIR)/zsh/site-functions $(SHAREDIR)/fish/vendor_completions.d
	$(RELEASE) --generate-completion-script bash > $(SHAREDIR)/bash-completion/completions/git-trace
	$(RELEASE) --generate-completion-script zsh > $(SHAREDIR)/zsh/site-functions/_git-trace
	$(RELEASE) --generate-completion-script fish > $(SHAREDIR)/fish/vendor_completions.d/git-trace.fish
	chmod 0644 $(SHAREDIR)/bash-completion/completions/git-trace $(SHAREDIR)/zsh/site-functions/_git-trace $(SHAREDIR)/fish/vendor_completions.d/git-trace.fish
	@echo "installed $(BINDIR)/git-trace: try 'git trace --help'"

uninstall:
	rm -f $(BINDIR)/git-trace $(MANDIR)/git-trace.1 $(SHAREDIR)/bash-completion/completions/git-trace \
		$(SHAREDIR)/zsh/site-functions/_git-trace $(SHAREDIR)/fish/vendor_completions.d/git-trace.fish

# securesystemslib, an independent DSSE implementation, for the interoperability tests.
interop-venv: $(VENV)/bin/python
$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet 'securesystemslib[crypto]==1.6.0'

# swift-format (part of the Swift toolchain) with .swift-format: `make format` fixes,
# `make lint` (run first by `make test`, so CI checks it) only reports.
FORMATTED = Package.swift Sources Tests/*Tests Tests/TestSupport Tests/Benchmarks/LedgerGenerator \
	Tests/Fuzz/Sources Tests/Fuzz/Package.swift

lint:
	$(SWIFT) format lint --strict --configuration .swift-format --recursive --parallel $(FORMATTED)

format:
	$(SWIFT) format format --configuration .swift-format --in-place --recursive --parallel $(FORMATTED)

test: test-deps interop-venv lint
	$(SWIFT) build --build-tests
	$(SWIFT) test
	GIT_TRACE_BINARY="$$($(SWIFT) build --show-bin-path)/git-trace" node --test git-extensions/vscode/test/*.test.js git-extensions/agents/opencode/*.test.mjs git-extensions/agents/amp/*.test.mjs

# The classifier (spec/classifier.md §5): labelled blocks from the clones in CORPUS,
# trained, calibrated and evaluated; writes the model git-trace embeds, the data card
# and the reference scores (blocks, and the metadata cases of
# Tests/Fixtures/classifier/metadata.json) the Swift code is tested against. The
# corpus is never committed.
CLASSIFIER_VENV = .build/classifier-venv
$(CLASSIFIER_VENV)/bin/python:
	python3 -m venv $(CLASSIFIER_VENV)
	$(CLASSIFIER_VENV)/bin/pip install --quiet numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1

train-classifier: $(CLASSIFIER_VENV)/bin/python
	@test -n "$(CORPUS)" || { echo "usage: make train-classifier CORPUS=DIR (a folder of git clones)"; exit 2; }
	$(CLASSIFIER_VENV)/bin/python Tests/Classifier/markers.py Tests/Fixtures/classifier/metadata.json
	$(CLASSIFIER_VENV)/bin/python Tests/Classifier/corpus.py $(CORPUS) .build/classifier-corpus.pickle
	$(CLASSIFIER_VENV)/bin/python Tests/Classifier/train.py .build/classifier-corpus.pickle \
		Sources/CClassifierModel/model.bin spec/classifier.md Tests/Fixtures/classifier/reference.json

# The VS Code extension as an installable .vsix (code --install-extension FILE).
VSIX = .build/sessiontrace-vscode.vsix
vscode:
	@command -v node >/dev/null && command -v zip >/dev/null || $(MAKE) test-deps
	node git-extensions/vscode/build-vsix.js $(VSIX)

# Speed, measured against baselines in the same run (see BENCHMARKS.md).
bench: build
	$(RELEASE_BUILD) --product sessiontrace-ledger-generator
	python3 Tests/Benchmarks/bench.py $(RELEASE)

# libFuzzer on every parser an attacker can feed, FUZZ_SECONDS (60) per target
# (FUZZING.md); clang's libFuzzer runtime and lld come with the Swift toolchain.
fuzz: deps
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) Tests/Fuzz/run.sh

clean:
	rm -rf .build .build-static Tests/Fuzz/.build
