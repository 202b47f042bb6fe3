"""docs/writing-a-claim.md's Swift snippets are files of Examples/MyTheorem, verbatim.

Every ```swift block of the guide must follow a line `<!-- file: PATH -->` and equal the file at
PATH; .ci/run then builds and tests that example against a tagged TheoryCheck, so every snippet of
the guide compiles as pasted (the one line a reader changes is the dependency's location). Exit 1
naming the first snippet that differs or has no file.

    python3 Scripts/check-guide-snippets.py [docs/writing-a-claim.md]
"""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
guide = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "docs", "writing-a-claim.md")
lines = open(guide).read().split("\n")
checked, i = 0, 0
while i < len(lines):
    if lines[i].startswith("```swift"):
        marker = re.fullmatch(r"<!-- file: (\S+) -->", lines[i - 1].strip()) if i > 0 else None
        end = lines.index("```", i + 1)
        body = "\n".join(lines[i + 1:end]) + "\n"
        if marker is None:
            print(f"{guide}:{i + 1}: a Swift snippet without `<!-- file: PATH -->` (snippets must be files that CI builds)")
            sys.exit(1)
        path = os.path.join(root, marker.group(1))
        if not os.path.exists(path) or open(path).read() != body:
            print(f"{guide}:{i + 1}: the snippet differs from {marker.group(1)} (paste the file into the guide)")
            sys.exit(1)
        checked += 1
        i = end
    i += 1
print(f"guide snippets: {checked} Swift snippets equal their files in Examples/MyTheorem")
