#!/usr/bin/env bash
# run_browser.sh BIN OUTDIR - the --html timeline as a browser sees it
# (docs/outputs.md).  Renders two pages in headless Chromium: the DOM must
# hold a mark for every step that ran (zero-length steps as diamonds, a
# failing assert labelled FAIL) and a labelled mark for every finding, on
# a time axis in us/ms whose idle stretches are drawn short; the
# screenshots are kept in OUTDIR as test artifacts.
set -u
bin=$1
outdir=${2:-build}
pass=0; fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$outdir"
chrome=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chrome" ]; then
	echo "browser: $chrome not found (apt-get install chromium)"; exit 1
fi
cat >"$tmp/fail.yaml" <<'YAML'
scenario: assert-fails
arch: tdx
platform:
  devices:
    - { name: dev0, bars: [ { index: 0, size: 64KiB } ] }
steps:
  - { op: tsm.connect, device: dev0 }
  - { op: assert, state: { dev0: RUN } }
  - { op: device.tdisp, device: dev0, request: LOCK_INTERFACE, label: lock }
expect:
  state: { dev0: CONFIG_LOCKED }
YAML
chromium() {
	local ud; ud=$(mktemp -d)
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$ud" --window-size=1400,900 \
		--hide-scrollbars "$@" 2>/dev/null
	local rc=$?
	rm -rf "$ud"
	return $rc
}
ok() {
	local what=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: browser: $what"; fi
}
page() {	# page NAME SCENARIO ARGS..: render, dump, screenshot
	local name=$1 scn=$2; shift 2
	"$bin" run "$scn" -q "$@" --html "$tmp/$name.html" --json >"$tmp/$name.json" 2>/dev/null
	chromium --dump-dom "file://$tmp/$name.html" >"$tmp/$name.dom"
	ok "$name: DOM dumped" test -s "$tmp/$name.dom"
	chromium --screenshot="$outdir/timeline-$name.png" "file://$tmp/$name.html" >/dev/null
	ok "$name: screenshot $outdir/timeline-$name.png" test -s "$outdir/timeline-$name.png"
	ok "$name: every step and finding has its mark" python3 - "$tmp/$name.json" "$tmp/$name.dom" <<'PY'
import json, re, sys
import xml.etree.ElementTree as ET
run = json.load(open(sys.argv[1]))
dom = open(sys.argv[2], encoding="utf-8").read()
svgs = re.findall(r"<svg.*?</svg>", dom, re.S)
assert len(svgs) == len(run["runs"]), "one timeline per run"
okabe = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
         "#CC79A7", "#000000", "#DDDDDD", "#BBBBBB", "#FFFFFF"}
ns = "{http://www.w3.org/2000/svg}"
for r, svg in zip(run["runs"], svgs):
    root = ET.fromstring(svg)
    assert root.get("width") == "100%", "the timeline uses the page width"
    marks = {}
    for el in root.iter():
        if el.get("data-step") is not None:
            marks.setdefault(("s", int(el.get("data-step"))), el)
        if el.get("data-finding") is not None:
            marks.setdefault(("f", int(el.get("data-finding"))), el)
    for s in r["steps"]:
        if s["result"] == "not-run":
            continue
        el = marks.get(("s", s["index"]))
        assert el is not None, "step %d has no mark" % s["index"]
        if s["start"] == s["end"]:
            assert el.tag == ns + "g" and el.find(ns + "polygon") is not None, \
                "zero-cycle step %d is not a marker" % s["index"]
            if not s["ok"]:
                t = "".join(el.itertext())
                assert "FAIL" in t, "failing step %d is not labelled" % s["index"]
        else:
            assert int(el.get("width")) >= 2, "step %d has no width" % s["index"]
    for i, f in enumerate(r["findings"]):
        el = marks.get(("f", i))
        assert el is not None, "finding %d has no mark" % i
        assert f["name"] in "".join(el.itertext()), "finding %d unlabelled" % i
    for el in root.iter():
        fill = el.get("fill")
        if el.tag in (ns + "rect", ns + "polygon") and fill and fill.startswith("#") \
                and el.get("fill-opacity") is None and fill != "#555":
            assert fill.upper() in okabe, "colour %s outside the palette" % fill
    axis = [t.text for t in root.iter(ns + "text") if t.get("text-anchor") == "middle"]
    assert axis and all(re.search(r"(ns|\u00b5s|ms)$", a) for a in axis), axis
PY
}
page lock scenarios/tdisp/lock-start-stop.yaml --arch tdx
ok "lock: the idle stretches are drawn short" grep -q 'class="break"' "$tmp/lock.dom"
ok "lock: a finding is on the page" grep -q 'data-finding="0"' "$tmp/lock.dom"
# the timeline alone, as docs/outputs.md shows it (docs/img/timeline.png)
python3 -c 'import re,sys; d=open(sys.argv[1],encoding="utf-8").read(); s=re.search(r"<svg.*?</svg>",d,re.S).group(0); open(sys.argv[2],"w",encoding="utf-8").write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{margin:4px;font:14px sans-serif}</style></head><body>"+s+"</body></html>")' "$tmp/lock.html" "$tmp/only.html"
chromium --window-size=1300,200 --screenshot="$outdir/timeline-only.png" "file://$tmp/only.html" >/dev/null
ok "the timeline alone: $outdir/timeline-only.png" test -s "$outdir/timeline-only.png"
page fail "$tmp/fail.yaml"
ok "fail: the failing assert is a marker labelled FAIL" \
	grep -q 'data-step="1" class="step zero fail"' "$tmp/fail.dom"
echo "browser: $pass passed, $fail failed"
[ $fail -eq 0 ]
