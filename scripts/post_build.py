"""Trunk's post_build hook (Trunk.toml): seals the build it runs on.

Trunk runs it after it has written every file to its staging directory
(TRUNK_STAGING_DIR) and before that directory becomes dist/. It

0. minifies wasm-bindgen's JS glue with terser (tools/package.json) in a release build:
   Trunk's own minifier fails on it ("Failed to minify JS") and leaves it whole, 58 KB
   with its comments. First, so the worker's list below hashes the file that is served;
   the inline module script in index.html is left as Trunk wrote it (its hash is in the
   policy) and still imports the glue's `default` export by name;
1. puts the first-visit pictures (assets/first-visit.*.html) into <body> as <template>s;
   then a Content-Security-Policy <meta> first in the <head> of index.html, with the
   SHA-256 of each inline script Trunk wrote (the module script that starts the wasm), so
   the policy always matches the page it is in and allows no other inline code;
2. writes into sw.js the list of every file of the build (sw.js itself aside), each with
   its SHA-256 for subresource integrity, and a version made of them all, so the service
   worker precaches exactly this build and a new build is a new worker.

Under `trunk serve` Trunk adds its live-reload script, which the server rewrites on the
way out, so no hash could match it: there the page gets no policy and the worker an empty
list (it then caches nothing). Standard library only, and terser through node.
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

# What the app needs and nothing more. Styles: the stylesheet file only; the app sets
# style properties through the DOM (CSSOM), which a policy does not restrict. Scripts:
# the app's own files, the hashed inline module script, and compiling WebAssembly.
POLICY = [
    ("default-src", ["'self'"]),
    ("script-src", ["'self'", "{hashes}", "'wasm-unsafe-eval'"]),
    ("style-src", ["'self'"]),
    ("img-src", ["'self'"]),
    ("connect-src", ["'self'"]),
    ("worker-src", ["'self'"]),
    ("manifest-src", ["'self'"]),
    ("object-src", ["'none'"]),
    ("base-uri", ["'none'"]),
    ("form-action", ["'none'"]),
]

# Markers of Trunk's live-reload script (src/autoreload.js in Trunk 0.21).
SERVE_MARKER = "{{__TRUNK_ADDRESS__}}"


def fail(message: str) -> "None":
    print(f"post_build: {message}", file=sys.stderr)
    sys.exit(1)


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


# tools/node_modules/.bin/terser, installed by scripts/setup.sh build (npm ci in tools/).
TERSER = Path(__file__).resolve().parent.parent / "tools" / "node_modules" / ".bin" / "terser"


def minify(path: Path, module: bool) -> None:
    """Minifies one JS file in place with terser."""
    if not TERSER.is_file():
        fail(f"{TERSER} is missing: run scripts/setup.sh build")
    before = path.stat().st_size
    # --module: strict mode, top-level names may be mangled, exports keep their names.
    # Classes keep their names (wasm-bindgen's debug strings show them).
    run = subprocess.run(
        [str(TERSER), str(path)] + (["--module"] if module else [])
        + ["--ecma", "2020", "--compress", "passes=2", "--mangle", "--keep-classnames", "--output", str(path)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        fail(f"terser failed on {path.name}: {run.stderr.strip()}")
    print(f"post_build: minified {path.name}: {before:,} to {path.stat().st_size:,} bytes")


def minify_glue(staging: Path) -> None:
    """Minifies each JS file of the build but sw.js (minified last, once its file list is
    written): wasm-bindgen's glue (an ES module), theme.js and picture.js (classic scripts
    whose top level holds nothing another script uses)."""
    scripts = [p for p in sorted(staging.glob("*.js")) if p.name != "sw.js"]
    if not scripts:
        fail("no JS glue found in the build: has Trunk's output changed?")
    for path in scripts:
        minify(path, module=True)


def seal_html(html: str) -> "tuple[str, str]":
    """index.html with its policy, and the policy."""
    if re.search(r"http-equiv\s*=\s*[\"']?content-security-policy", html, re.I):
        fail("index.html already has a Content-Security-Policy")
    # Inline code a policy would have to allow by 'unsafe-inline': refuse to build instead.
    if re.search(r"<[a-z][^>]*\s(on[a-z]+|style)\s*=", html, re.I):
        fail("index.html has an inline event handler or style attribute; the policy allows neither")
    if re.search(r"<style[\s>]", html, re.I):
        fail("index.html has an inline <style>; put it in style/main.css")
    hashes = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script\s*>", html, re.I | re.S):
        if re.search(r"\bsrc\s*=", attrs, re.I):
            continue
        hashes.append(f"'sha256-{sha256_b64(body.encode('utf-8'))}'")
    if not hashes:
        fail("no inline script found in index.html: has Trunk's output changed?")
    policy = "; ".join(
        " ".join([name] + [" ".join(hashes) if s == "{hashes}" else s for s in sources]) for name, sources in POLICY
    )
    # First in <head> after the charset: a <meta> policy covers only what comes after it.
    charset = re.search(r"<meta\s+charset\s*=[^>]*>", html, re.I)
    if not charset:
        fail('index.html has no <meta charset="utf-8"> to put the policy after')
    meta = f'\n    <meta http-equiv="Content-Security-Policy" content="{policy}" />'
    return html[: charset.end()] + meta + html[charset.end() :], policy


def seal_worker(staging: Path, serving: bool) -> str:
    """Writes the file list and version into sw.js; returns the version."""
    worker = staging / "sw.js"
    if not worker.is_file():
        fail("sw.js is missing from the build (index.html copies assets/sw.js)")
    files = []
    if not serving:
        for path in sorted(p for p in staging.rglob("*") if p.is_file() and p != worker):
            name = path.relative_to(staging).as_posix()
            files.append([f"./{name}", f"sha256-{sha256_b64(path.read_bytes())}"])
    version = hashlib.sha256(json.dumps(files).encode("utf-8")).hexdigest()[:16] if files else "serve"
    text = worker.read_text(encoding="utf-8")
    for pattern, line in [
        (r"^const VERSION = .*;$", f"const VERSION = '{version}';"),
        (r"^const FILES = .*;$", "const FILES = [" + "".join(f"\n  {json.dumps(f)}," for f in files) + ("\n" if files else "") + "];"),
    ]:
        text, count = re.subn(pattern, lambda _: line, text, flags=re.M)
        if count != 1:
            fail(f"sw.js must have exactly one line matching {pattern}")
    worker.write_text(text, encoding="utf-8")
    return version


# The gallery as the app draws it on a first visit, one file per language, made by the
# e2e run from the app's own picture of it (e2e/tests/picture.spec.ts checks they are
# current): put into index.html as <template>s that assets/picture.js draws while the app
# loads.
ASSETS = Path(__file__).resolve().parent.parent / "assets"
FIRST_VISIT_LANGS = ["en", "nb"]


def add_first_visit(html: str) -> str:
    """index.html with the first-visit pictures, as <template>s first in <body>."""
    templates = []
    for lang in FIRST_VISIT_LANGS:
        path = ASSETS / f"first-visit.{lang}.html"
        if not path.is_file():
            fail(f"{path} is missing: PIPEWRIGHT_WRITE_PICTURES=1 make test-e2e writes it")
        markup = path.read_text(encoding="utf-8").strip()
        if re.search(r"<script|\son[a-z]+\s*=|\sstyle\s*=", markup, re.I):
            fail(f"{path.name} has a script, an event handler or a style attribute")
        templates.append(f'\n    <template id="pw-first-visit-{lang}">{markup}</template>')
    # The tag on a line of its own (a comment in <head> mentions "<body>").
    body = re.search(r"^\s*<body[^>]*>", html, re.I | re.M)
    if not body:
        fail("index.html has no <body> tag on a line of its own")
    return html[: body.end()] + "".join(templates) + html[body.end() :]


def main() -> None:
    staging = Path(os.environ.get("TRUNK_STAGING_DIR") or fail("TRUNK_STAGING_DIR is not set (run by Trunk)"))
    index = staging / "index.html"
    html = add_first_visit(index.read_text(encoding="utf-8"))
    index.write_text(html, encoding="utf-8")
    serving = SERVE_MARKER in html
    if os.environ.get("TRUNK_PROFILE") == "release":
        minify_glue(staging)
    if serving:
        print("post_build: trunk serve: no Content-Security-Policy, the service worker caches nothing")
    else:
        html, policy = seal_html(html)
        index.write_text(html, encoding="utf-8")
        print(f"post_build: Content-Security-Policy: {policy}")
    version = seal_worker(staging, serving)
    print(f"post_build: service worker version {version}")
    if os.environ.get("TRUNK_PROFILE") == "release":
        # A classic worker script: its top-level names stay (the worker's own scope).
        minify(staging / "sw.js", module=False)


if __name__ == "__main__":
    main()
