"""Markdown rendering benchmark: adversarial inputs against the product's render function.

Times ``helpdesk.markdown.render_markdown`` (Markdown to HTML, then the nh3 sanitizer: what
is stored for every ticket text, reply, note and article) on inputs built to trip
backtracking parsers (runs of ``![``, ``[``, emphasis markers, backticks, deep list and
blockquote nesting, long lines, big tables, HTML-ish text) and on a realistic reply, each
cut to 10,000 and 50,000 characters. Prints median and worst milliseconds per input and
size. No database is needed.

    .venv/bin/python bench/markdown_bench.py

Options: ``--runs N`` (timed runs per case, default 7; a case whose first run takes more
than ``--slow`` seconds, default 2, is timed once; one still running after ``--limit``
seconds, default 30, is stopped and shown as more than that), ``--sizes 10000,50000``,
``--compare`` (also time markdown-it-py and Python-Markdown, the product's renderer until
stored HTML, where they are installed: how the renderer was chosen), ``--cpu`` (time the
process's CPU time instead of the wall clock, for a machine busy with other work; the load
average is printed either way).
"""

import argparse
import os
import signal
import statistics
import sys
import time

from _django import setup

setup()

from helpdesk import markdown as product  # noqa: E402

SIZES = (10_000, 50_000)

REPLY = """Hi Dana,

thanks for the details. I could reproduce it on **eu-west-1** only:

1. Open the [VPN console](https://console.example.com/vpn) and pick *tunnel-2*.
2. Run the check below and paste the output here:

```bash
ssh ops@gw-02 'sudo ipsec statusall | grep -A3 "tunnel-2"'
```

| tunnel | state | since |
|--------|-------|-------|
| tunnel-1 | up | 09:10 |
| tunnel-2 | ~~down~~ rekeying | 09:12 |

> The phase-2 lifetime is 3600 s on our side,
> 28800 s on yours.

- [x] routes checked
- [ ] `MTU` lowered to 1400

Best regards,
Sam
![diagram](https://docs.example.com/img/vpn.png)

"""


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _lines(make, size: int) -> str:
    out, total, n = [], 0, 0
    while total < size:
        line = make(n) + "\n"
        out.append(line)
        total += len(line)
        n += 1
    return "".join(out)[:size]


CASES = {
    "runs of ![": lambda n: _fill("![", n),
    "runs of [": lambda n: _fill("[", n),
    "[a]( openers": lambda n: _fill("[a](", n),
    "nested [[[x]]](": lambda n: _fill("[" * 50 + "x" + "]" * 50 + "(", n),
    "* emphasis run": lambda n: _fill("*", n),
    "*a emphasis": lambda n: _fill("*a", n),
    "_a_ __b emphasis": lambda n: _fill("_a_ __b ", n),
    "**_ mixed run": lambda n: _fill("**_a", n),
    "backtick run": lambda n: _fill("`", n),
    "a`` backticks": lambda n: _fill("a``", n),
    "< autolink openers": lambda n: _fill("<http://", n),
    "nested lists": lambda n: _lines(lambda i: "  " * (i % 200) + "- item", n),
    "nested ordered lists": lambda n: _lines(lambda i: "   " * (i % 100) + "1. step", n),
    "deep > nesting": lambda n: _fill(">", n),
    "> lines nesting": lambda n: _lines(lambda i: "> " * (i % 100) + "quoted", n),
    "list in quote": lambda n: _lines(lambda i: "> " * (i % 30) + "- " * (i % 30) + "x", n),
    "long line": lambda n: _fill("word ", n),
    "long line, no spaces": lambda n: _fill("a", n),
    "table rows": lambda n: ("| a | b | c |\n|---|---|---|\n" + _lines(lambda i: "| 1 | 2 |", n))[
        :n
    ],
    "wide table": lambda n: ("|" + _fill(" a |", n // 2) + "\n|" + _fill("---|", n))[:n],
    "HTML tags": lambda n: _fill("<div><span>", n),
    "HTML openers <a ": lambda n: _fill("<a ", n),
    "HTML comments <!--": lambda n: _fill("<!--", n),
    "entities &#": lambda n: _fill("&#", n),
    "backslashes": lambda n: _fill("\\", n),
    "realistic reply": lambda n: _fill(REPLY, n),
}


def _sanitize(html: str) -> str:
    return product._cleaner().clean(html)


def candidates() -> dict:
    """The product's function, then the other renderers that are installed, each followed by
    the same sanitizer: markdown-it-py, the other linear-time candidate, and Python-Markdown
    with the extensions the product used before."""
    renderers = {"product": product.render_markdown}
    try:
        from markdown_it import MarkdownIt

        parser = MarkdownIt("commonmark", {"breaks": True, "html": False}).enable(
            ["table", "strikethrough"]
        )

        def render_markdown_it(text):
            return _sanitize(parser.render(text))

        renderers["markdown-it-py"] = render_markdown_it
    except ImportError:
        pass
    try:
        import markdown as markdown_lib

        extensions = ["fenced_code", "tables", "sane_lists", "nl2br"]

        def render_python_markdown(text):
            return _sanitize(markdown_lib.markdown(text, extensions=extensions))

        renderers["Python-Markdown"] = render_python_markdown
    except ImportError:
        pass
    return renderers


class TooSlow(Exception):
    pass


def _stop(signum, frame):
    raise TooSlow


def measure(
    render, text: str, runs: int, slow: float, limit: float, clock=time.perf_counter
) -> tuple[str, str, float]:
    """Median and worst of ``runs`` renders, as printed, and the worst in ms; a render still
    going after ``limit`` seconds is stopped and shown as more than the limit (pure-Python
    renderers can be interrupted; C ones finish long before)."""
    timings = []
    signal.signal(signal.SIGALRM, _stop)
    for _ in range(runs):
        started = clock()
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            render(text)
        except TooSlow:
            over = f"> {limit * 1000:,.0f}"
            return over, over, limit * 1000
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        timings.append(clock() - started)
        if timings[0] > slow:
            break
    median, worst = statistics.median(timings) * 1000, max(timings) * 1000
    return f"{median:,.1f}", f"{worst:,.1f}", worst


def table(headers, rows):
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--slow", type=float, default=2.0)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--cpu", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    renderers = candidates() if args.compare else {"product": product.render_markdown}
    clock = time.process_time if args.cpu else time.perf_counter

    print(
        f"Markdown renderer: {getattr(product, 'RENDERER_NAME', 'Python-Markdown')}"
        f" (stored version {getattr(product, 'RENDERER_VERSION', '-')})"
        f" · Python {sys.version.split()[0]} · {args.runs} runs per case"
        f" · {'CPU' if args.cpu else 'wall-clock'} time · load {os.getloadavg()[0]:.1f}"
    )
    headers = ["input", "chars"]
    for name in renderers:
        headers += [f"{name} median ms", f"{name} worst ms"]
    rows, worst = [], dict.fromkeys(renderers, 0.0)
    for label, make in CASES.items():
        for size in sizes:
            text = make(size)
            assert len(text) == size, (label, len(text))
            row = [label, f"{size:,}"]
            for name, render in renderers.items():
                median, slowest, ms = measure(
                    render, text, args.runs, args.slow, args.limit, clock=clock
                )
                worst[name] = max(worst[name], ms)
                row += [median, slowest]
            rows.append(row)
            print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    table(headers, rows)
    print()
    for name, slowest in worst.items():
        print(f"Worst case, {name}: {slowest:,.1f} ms")


if __name__ == "__main__":
    main()
