"""The book is built like a course, and its numeric claims are the ones its pages compute.

Read from the built pages (`make book`): every chapter opens with learning objectives and
ends with a summary and 2-4 questions whose answers are hidden, at least one computed on the
page. The sentences of chapters 2, 10 and 12 that state numbers are compared with an
independent computation with lstm_ref, or with the numbers the same page prints.
"""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import numpy as np
import pytest

import lstm_ref

REPO = Path(__file__).resolve().parents[2]
COURSE_CHAPTERS = sorted(p.stem for p in (REPO / "book").glob("[0-9][0-9]_*.md"))


def page_html(site_root, name):
    return (site_root / "book" / f"{name}.html").read_text(encoding="utf-8")


def text_of(fragment):
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page, heading):
    """The HTML of the <section> whose <h2> reads `heading`."""
    match = re.search(r'<section id="[^"]*">\s*<h2>' + re.escape(heading) + r'.*?(?=<section id=|</article>|$)',
                      page, re.S)
    assert match, f"no section '{heading}'"
    return match.group(0)


def number(pattern, text):
    match = re.search(pattern, text)
    assert match, f"the page no longer says {pattern!r}"
    return [float(g.replace(",", "")) for g in match.groups()]


@pytest.mark.parametrize("name", COURSE_CHAPTERS)
def test_chapter_opens_with_objectives_and_ends_with_summary_and_questions(site_root, name):
    page = page_html(site_root, name)
    objectives = re.search(r'<div class="[^"]*learning-objectives[^"]*">(.*?)</div>', page, re.S)
    assert objectives, f"{name} has no learning objectives"
    assert 2 <= objectives.group(1).count("<li") <= 4, f"{name}: 2-4 learning objectives expected"
    first_section = re.search(r'<section id="[^"]*">\s*<h2>', page)
    assert objectives.start() < first_section.start(), f"{name}: the objectives must open the chapter"
    assert "<h2>Summary" in page, f"{name} has no summary"
    questions = section(page, "Check your understanding")
    count = questions.count('class="dropdown admonition')
    assert 2 <= count <= 4, f"{name}: {count} questions, 2-4 expected"
    # Each question up to the next one or to the next code cell (the hidden computation behind an answer).
    answers = [q.split('<div class="cell')[0] for q in questions.split('class="dropdown admonition')[1:]]
    computed = [a for a in answers if "(compute)" in a.split("</p>")[0]]
    assert computed, f"{name}: no question marked (compute)"
    assert any("pasted-text" in a for a in computed), \
        f"{name}: the computed question's answer is not a value the page computed (glue)"


def test_no_chapter_types_another_chapters_number():
    typed = re.compile(r"\b[Cc]hapters? \d")
    for md in sorted((REPO / "book").glob("*.md")):
        for k, line in enumerate(md.read_text().splitlines(), 1):
            assert not typed.search(line), f"{md.name}:{k} types a chapter number; use {{ref}} or {{doc}}: {line}"


# ---------------------------------------------------------------- chapter 2: gradient reach

T, INPUTS, HIDDEN, SEEDS = 100, 4, 16, range(5)
GAP = T - 1 - np.arange(T)


def reach(kind, init, **options):
    rows = []
    for seed in SEEDS:
        xs = np.random.default_rng(seed).normal(size=(T, INPUTS))
        r = lstm_ref.gradient_reach(xs, init(INPUTS, HIDDEN, seed=seed, **options), kind=kind)
        rows.append(r / r[-1])
    return np.array(rows)


def factor(row, low=1, high=60):
    keep = (GAP >= low) & (GAP <= high)
    return float(np.exp(np.polyfit(GAP[keep], np.log(row[keep]), 1)[0]))


def test_chapter_2_states_the_decay_the_curves_show(site_root):
    text = text_of(page_html(site_root, "02_long_term_dependencies"))
    rnn = reach("rnn", lstm_ref.init_rnn)
    factors = [factor(row) for row in rnn]
    low, high = number(r"plain RNN loses a factor between ([\d.]+) and ([\d.]+) per step", text)
    assert (low, high) == (round(min(factors), 2), round(max(factors), 2))
    assert max(factors) < 0.7, "the RNN's gradient must vanish in every seed for the text to say so"
    (per_decade,) = number(r"a factor of ten every ([\d.]+) steps", text)
    assert per_decade == pytest.approx(np.log(0.1) / np.log(np.mean(factors)), abs=0.05)
    # The explanation: within a tenth of spectral radius x mean tanh derivative, in every seed.
    for seed, f in zip(SEEDS, factors):
        p = lstm_ref.init_rnn(INPUTS, HIDDEN, seed=seed)
        h = lstm_ref.rnn_forward(np.random.default_rng(seed).normal(size=(T, INPUTS)), p)["h"]
        predicted = max(abs(np.linalg.eigvals(p["W"][:, :HIDDEN]))) * (1 - h ** 2).mean()
        assert abs(f / predicted - 1) < 0.1
    lstm1 = [factor(row) for row in reach("lstm", lstm_ref.init_lstm, forget_bias=1.0)]
    assert number(r"by a factor between ([\d.]+) and ([\d.]+) per step: slower", text) == \
        [round(min(lstm1), 2), round(max(lstm1), 2)]
    assert max(factors) < min(lstm1) < max(lstm1) < 1
    bias3 = reach("lstm", lstm_ref.init_lstm, forget_bias=3.0)
    assert number(r"With a bias of 3 it stays between ([\d.]+) and ([\d.]+) of the last", text) == \
        [round(float(bias3.min()), 2), round(float(bias3.max()), 1)]
    # The cell path alone keeps ≈ 0.95^99 at gap 99, far below the measured curve (the side paths).
    (cell_path,) = number(r"keeps a product of forget gates, ([\d.]+) after 99 steps", text)
    log_products = []
    for seed in SEEDS:
        xs = np.random.default_rng(seed).normal(size=(T, INPUTS))
        f = lstm_ref.lstm_forward(xs, lstm_ref.init_lstm(INPUTS, HIDDEN, seed=seed, forget_bias=3.0))["f"]
        log_products.append(np.log(f[1:]).mean(axis=1).sum())     # f_1 ... f_99, averaged over entries
    assert cell_path == round(float(np.exp(np.mean(log_products))), 3)
    assert cell_path == pytest.approx(lstm_ref.sigmoid(3.0) ** 99, rel=0.5)   # ≈ 0.95^99
    assert np.exp(np.log(bias3[:, 0]).mean()) > 10 * cell_path


def test_chapter_2_shows_explosion_and_clipping_bounding_it(site_root):
    text = text_of(page_html(site_root, "02_long_term_dependencies"))
    p = lstm_ref.init_rnn(INPUTS, HIDDEN, seed=0)
    W_h = p["W"][:, :HIDDEN]
    p["W"][:, :HIDDEN] = W_h * 1.2 / max(abs(np.linalg.eigvals(W_h)))
    r = lstm_ref.gradient_reach(np.zeros((60, INPUTS)), p, kind="rnn")
    r = r / r[-1]
    assert number(r"59 steps back is ([\d,]+) times the last step", text) == [round(float(r[0]))]
    gaps = np.arange(59, -1, -1)
    growth = np.exp(np.polyfit(gaps[gaps >= 20], np.log(r[gaps >= 20]), 1)[0])
    assert number(r"grows by a factor of ([\d.]+) per step", text) == [round(growth, 2)] == [1.2]
    run = lstm_ref.rnn_forward(np.zeros((60, INPUTS)), p)
    dh = np.zeros_like(run["h"])
    dh[-1] = 1
    grads = {k: v for k, v in lstm_ref.rnn_backward(dh, run, p).items() if k in ("W", "b")}
    norm = lambda g: np.sqrt(sum(np.sum(v * v) for v in g.values()))  # noqa: E731
    assert number(r"reaches a norm of ([\d,]+) at 60 steps", text) == [round(norm(grads))]
    assert norm(grads) > 1e3 and norm(lstm_ref.clip_gradients(grads, max_norm=1.0)) <= 1 + 1e-12


# ---------------------------------------------------------------- chapter 10: over five seeds

def test_chapter_10_text_claims_only_what_holds_in_every_seed(site_root):
    page = page_html(site_root, "10_lstm_vs_rnn")
    table = re.search(r"trained \d+ models in \d+ s\s+test error over the seeds \(min / median / max\)\s+"
                      r"lag\s+LSTM\s+RNN\n(.*?)</pre>", html_lib.unescape(page), re.S)
    assert table, "chapter 10 no longer prints its per-lag table"
    rows = [list(map(float, line.split())) for line in table.group(1).strip().splitlines()]
    lags = [int(r[0]) for r in rows]
    lstm_max, rnn_min, rnn_max = [r[3] for r in rows], [r[4] for r in rows], [r[6] for r in rows]
    text = text_of(page)

    def lags_in(pattern):
        listed = re.search(pattern, text).group(1)
        return [] if listed == "none" else [int(v) for v in listed.split(", ")]

    assert lags_in(r"LSTM solved the task in every seed at lags ([\d, ]+|none) \(") == \
        [lag for lag, m in zip(lags, lstm_max) if m < 0.05]
    assert lags_in(r"RNN solved it in every seed at lags ([\d, ]+|none),") == \
        [lag for lag, m in zip(lags, rnn_max) if m < 0.05]
    assert lags_in(r"failed in every seed at lags ([\d, ]+|none)\.") == \
        [lag for lag, m in zip(lags, rnn_min) if m > 0.1]
    # The sentence "The LSTM keeps solving the task to longer lags" must hold in every seed.
    lstm_all = [lag for lag, m in zip(lags, lstm_max) if m < 0.05]
    rnn_all = [lag for lag, m in zip(lags, rnn_max) if m < 0.05]
    assert lstm_all and max(lstm_all) > max(rnn_all, default=0)


# ---------------------------------------------------------------- the libraries chapter

def test_libraries_chapter_shows_the_same_outputs_in_both_layouts(site_root):
    text = text_of(page_html(site_root, "12_libraries"))
    for label in ("largest difference over all steps:", "largest difference from lstm_ref:",
                  "two stacked chains vs num_layers=2:", "forward + reversed vs bidirectional:"):
        (difference,) = number(re.escape(label) + r"\s+([\d.e+-]+)", text)
        assert difference < 1e-12, f"{label} {difference}"
