#!/usr/bin/env bash
# Renders a verification report in headless Chromium and fails if the page is blank or the
# browser logs a console error. Usage: Scripts/check-report-in-browser.sh REPORT_DIR [PNG]
# Exit 0: rendered, non-blank, no console errors; 1: a check failed; 77: no Chromium (skipped).
set -euo pipefail
dir=${1:?usage: check-report-in-browser.sh REPORT_DIR [PNG]}
png=${2:-$dir/report.png}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then echo "browser check: skipped (no Chromium)"; exit 77; fi
html=$(cd "$dir" && pwd)/report.html
[ -s "$html" ] || { echo "browser check: $html is missing or empty"; exit 1; }
log=$(mktemp)
profile=$(mktemp -d)
trap 'rm -rf "$log" "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" --window-size=1200,2400 \
  --enable-logging=stderr --v=0 --screenshot="$png" "file://$html" >"$log" 2>&1 || true
[ -s "$png" ] || { echo "browser check: no screenshot"; cat "$log"; exit 1; }
if grep -E 'CONSOLE.*(ERROR|Error)|Uncaught' "$log"; then echo "browser check: console errors"; exit 1; fi
# What the browser built: every claim of report.json named in the rendered DOM, and as many SVG
# figures rendered as the file contains (a truncated or mangled page loses some).
dom=$(mktemp)
"$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" --dump-dom "file://$html" >"$dom" 2>/dev/null || true
python3 - "$dir/report.json" "$html" "$dom" <<'PY' || { rm -f "$dom"; exit 1; }
import json, re, sys
report, source, dom = json.load(open(sys.argv[1])), open(sys.argv[2]).read(), open(sys.argv[3]).read()
ids = [c["id"] for c in report["claims"]]
missing = [i for i in ids if i not in dom]
svg_file, svg_dom = source.count("<svg"), len(re.findall(r"<svg[\s>]", dom))
closed = source.count("</svg>")
problems = []
if not dom.strip(): problems.append("the browser produced no DOM")
if missing: problems.append("claims not rendered: " + ", ".join(missing))
if svg_file != closed: problems.append(f"{svg_file} <svg> but {closed} </svg> in the file")
if svg_dom != svg_file: problems.append(f"{svg_dom} SVG figures rendered of {svg_file} in the file")
if "</html>" not in source: problems.append("the file ends before </html>")
if problems:
    print("browser check: " + "; ".join(problems)); sys.exit(1)
print(f"browser check: {len(ids)} claims and {svg_dom} figures rendered")
PY
rm -f "$dom"
python3 - "$png" <<'PY'
import sys, zlib, struct
# Count distinct colours in the PNG (RGB/RGBA, 8-bit) without third-party modules.
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, width, height, colour = 8, b'', 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + length]; pos += 12 + length
    if kind == b'IHDR': width, height, depth, colour = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT': idat += body
raw = zlib.decompress(idat); channels = {2: 3, 6: 4}[colour]; stride = width * channels
rows, prev, colours = [], bytearray(stride), set()
for y in range(height):
    f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0; b = prev[i]; c = prev[i - channels] if i >= channels else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 7 == 0:
        for x in range(0, width, 5): colours.add(bytes(line[x * channels:x * channels + 3]))
print(f"browser check: {width}×{height} screenshot, {len(colours)} distinct colours sampled")
sys.exit(0 if len(colours) >= 8 else 1)
PY
echo "browser check: passed ($png)"
