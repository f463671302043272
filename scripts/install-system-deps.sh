#!/usr/bin/env bash
# What npm cannot install: the Temporal CLI (built from Go, cached outside the checkout) and,
# for browser tests, Debian's Chromium; for the PDF export tests, poppler-utils (pdftoppm); for the
# multi-process shape, HAProxy. Each step is skipped when already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

node_modules/.bin/tsx scripts/temporal-cli.ts >/dev/null

# Browser tests: Chromium, and a CJK font so screenshots show Chinese rather than empty boxes.
if [ -d tests/e2e ] && ls tests/e2e/*.test.ts >/dev/null 2>&1 && { ! command -v chromium >/dev/null 2>&1 || ! [ -d /usr/share/fonts/opentype/noto ]; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Chromium and a CJK font for the browser tests (apt-get)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "Chromium is missing: install it (Debian: apt-get install chromium) for the browser tests." >&2
  fi
fi

# The export tests turn a PDF page into PNG to check that Chinese text renders.
if [ -d tests/api ] && ls tests/api/exports*.test.ts >/dev/null 2>&1 && ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing poppler-utils for the PDF export tests (apt-get)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "pdftoppm is missing: install it (Debian: apt-get install poppler-utils) for the PDF export tests." >&2
  fi
fi

# The multi-process shape (scripts/cluster.ts, the fault and load suites) puts HAProxy in front of the APIs.
if ! command -v haproxy >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing HAProxy for the multi-process shape (apt-get)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  else
    echo "HAProxy is missing: install it (Debian: apt-get install haproxy) for the multi-process tests." >&2
  fi
fi
