"""The noisy-channel restorer: candidates under the OCR channel, a trigram LM, Viterbi, corpus spans.

For every word token of the input, candidates are the syllables of the corpus inventory that OCR
could have turned into it (same accent-free key; keys within a small weighted edit distance; the
learned token table). The best sequence maximises

    sum_i  lm_weight * log P_LM(c_i | c_{i-2}, c_{i-1})  -  channel_cost(token_i | c_i)

found with a trigram Viterbi over each stretch of text between sentence boundaries (lines are
joined, because a printed line break is rarely a sentence break). Stretches of at least
``span_n`` tokens that match a passage of the corpus on accent-free forms then take the corpus
spelling (source ``corpus``). Each changed word gets a confidence: the probability of the chosen
syllable against its alternatives with its neighbours fixed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from diacritics import channel
from diacritics.changes import Change, Restoration, Source, replay
from diacritics.corpus import BOS, NUM, UNK
from diacritics.lm import TrigramLM
from diacritics.orthography import has_marks, strip_marks
from diacritics.spans import SpanIndex, key_ids
from diacritics.tokens import Token, apply_case, case_pattern, tokenize


@dataclass(frozen=True)
class RestoreConfig:
    """Settings of the restorer.

    lm_weight: weight of the language model log-probability against the channel cost (default 1.0).
    max_candidates: candidates kept per token after channel pruning (default 8: the Viterbi does
        K^3 LM look-ups per token, and the right syllable is in the top 8 almost always).
    max_edit_cost: candidates whose base-letter edit cost exceeds this are dropped (default 6.0 nats).
    keep_unknown_cost: cost of leaving a token that is no known syllable as it is (default 6.0):
        below the cost of a two-letter repair, so unknown names survive unless the LM insists.
    flag_threshold: changes with a confidence below this are flagged for review (default 0.6).
    use_corpus_spans: take the spelling of matching corpus passages (default True).
    min_span_tokens: a corpus passage must match at least this many tokens (default: the span
        index's n-gram length, 5).
    oov_cost: extra cost of a candidate syllable that the language model never saw (default 8.0:
        the model gives all unseen words the one <unk> probability, far too high for one syllable).
    span_trust: a corpus passage overrides the decoder's choice for a word only when its spelling
        costs at most this much more under the channel (default 3.0 nats), so a passage with the
        same accent-free words but other marks cannot rewrite correctly marked text.
    max_passes: decoding passes at most; each pass reads the previous pass's output, and the
        restorer stops when a pass changes nothing (default 3).
    channel: force a channel preset ("garbled", "stripped", "clean"); default None = estimated
        per document from how its marks and letters look.
    """

    lm_weight: float = 1.0
    max_candidates: int = 8
    max_edit_cost: float = 6.0
    keep_unknown_cost: float = 6.0
    flag_threshold: float = 0.6
    use_corpus_spans: bool = True
    min_span_tokens: int | None = None
    max_passes: int = 3
    oov_cost: float = 8.0
    span_trust: float = 3.0
    channel: str | None = None


@dataclass
class _Cands:
    words: list[str]  # lowercase candidate spellings (the token itself for "keep")
    ids: np.ndarray  # LM ids
    cost: np.ndarray  # channel costs (nats)


class Restorer:
    """Loads a corpus build once; ``restore(text)`` may then be called many times."""

    def __init__(self, build: Path, config: RestoreConfig | None = None):
        self.config = config or RestoreConfig()
        self.vocab = (build / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
        self.vid = {w: i for i, w in enumerate(self.vocab)}
        self.lm = TrigramLM(build, len(self.vocab))
        self.lexicon: dict[str, int] = {}
        with open(build / "lexicon.tsv", encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                w, c = line.rstrip("\n").split("\t")
                self.lexicon[w] = int(c)
        by_key: dict[str, list[str]] = {}
        for w in self.lexicon:
            by_key.setdefault(strip_marks(w), []).append(w)
        uni = self.lm.p_uni
        self._uni_lp = {
            w: math.log(uni[self.vid[w]]) if w in self.vid else -16.0 for w in self.lexicon
        }
        for k in by_key:
            by_key[k].sort(key=lambda w: -self._uni_lp[w])
        self.by_key = by_key
        self.keys = sorted(by_key)
        self.edit = channel.load_edit_costs()
        self.token_table = channel.load_token_table()
        kmap, ktable = key_ids([strip_marks(w) for w in self.vocab])
        self.kmap = kmap
        self.ktable = ktable
        self._spans: SpanIndex | None = None
        self._build = build
        self._cache: dict[tuple[str, channel.ChannelParams], _Cands] = {}

    # ------------------------------------------------------------------ channel per document

    def estimate_channel(self, tokens: list[Token]) -> channel.ChannelParams:
        """Pick the channel prices from how the document's words look."""
        preset = self.config.channel
        if preset:
            return {
                "garbled": channel.GARBLED,
                "stripped": channel.STRIPPED,
                "clean": channel.CLEAN,
            }[preset]
        words = [t.text.lower() for t in tokens if not t.protected and t.text.isalpha()]
        if not words:
            return channel.GARBLED
        marked = [w for w in words if has_marks(w)]
        valid_key = sum(1 for w in words if strip_marks(w) in self.by_key) / len(words)
        r_mark = len(marked) / len(words)
        r_valid_marked = (
            sum(1 for w in marked if w in self.lexicon) / len(marked) if marked else 0.0
        )
        if r_mark >= 0.3 and r_valid_marked >= 0.97 and valid_key >= 0.97:
            return channel.CLEAN
        if r_mark < 0.02 and valid_key >= 0.95:
            return channel.STRIPPED
        return channel.GARBLED

    # ------------------------------------------------------------------ candidates

    def candidates(self, token: str, p: channel.ChannelParams) -> _Cands:
        o = token.lower()
        hit = self._cache.get((o, p))
        if hit is not None:
            return hit
        cfg = self.config
        ob = strip_marks(o)
        cost: dict[str, float] = {}
        if o in self.lexicon:
            cost[o] = 0.0
        for w in self.by_key.get(ob, ())[:24]:
            c = channel.mark_cost(o, w, p)
            if c < cost.get(w, 1e9):
                cost[w] = c
        maxd = 1 if len(ob) <= 2 else 2
        if p.letter_scale >= 2.0 and ob in self.by_key:
            maxd = 0  # base letters look reliable and this is a known key: marks only
        near = (
            []
            if maxd == 0
            else process.extract(
                ob, self.keys, scorer=Levenshtein.distance, score_cutoff=maxd, limit=400
            )
        )
        limit = cfg.max_edit_cost
        for k, _d, _i in near:
            if k == ob:
                continue
            d = self.edit.distance(ob, k, limit / p.letter_scale) * p.letter_scale
            if d > limit:
                continue
            for w in self.by_key[k][:12]:
                c = d + channel.mark_cost(o, w, p)
                if c < cost.get(w, 1e9):
                    cost[w] = c
        for w, prob in self.token_table.get(o, ()):
            if w in self.lexicon:
                c = -math.log(max(prob, 1e-6))
                if c < cost.get(w, 1e9):
                    cost[w] = c
        for w in cost:
            if w not in self.vid:
                cost[w] += cfg.oov_cost
        ranked = sorted(cost.items(), key=lambda x: x[1] - 0.3 * self._uni_lp[x[0]])
        ranked = ranked[: cfg.max_candidates]
        words = [w for w, _ in ranked]
        costs = [c for _, c in ranked]
        if o not in self.lexicon:
            words.append(token)  # keep it as it is: a name or a word we do not know
            costs.append(cfg.keep_unknown_cost * p.letter_scale)
        ids = np.array([self.vid.get(w, UNK) for w in words], np.int64)
        res = _Cands(words, ids, np.array(costs, np.float64))
        self._cache[(o, p)] = res
        return res

    def _fixed(self, token: Token) -> _Cands:
        wid = NUM if token.number else self.vid.get(token.text.lower(), UNK)
        return _Cands([token.text], np.array([wid], np.int64), np.zeros(1))

    # ------------------------------------------------------------------ decoding

    def _decode(self, cands: list[_Cands], segments: list[tuple[int, int]]) -> list[int]:
        """Trigram Viterbi over each segment; all LM scores are looked up in one batch first."""
        lw = self.config.lm_weight
        bos = np.array([BOS], np.int64)
        # LM tensor of each position: (K_{i-2}, K_{i-1}, K_i), with <s> before a segment start.
        shapes = []
        w1s, w2s, w3s = [], [], []
        for a, b in segments:
            for i in range(a, b):
                i1 = cands[i - 1].ids if i - 1 >= a else bos
                i2 = cands[i - 2].ids if i - 2 >= a else bos
                i3 = cands[i].ids
                k0, k1, k2 = len(i2), len(i1), len(i3)
                shapes.append((k0, k1, k2))
                w1s.append(np.repeat(i2, k1 * k2))
                w2s.append(np.tile(np.repeat(i1, k2), k0))
                w3s.append(np.tile(i3, k0 * k1))
        if not shapes:
            return []
        flat = self.lm.logprob(np.concatenate(w1s), np.concatenate(w2s), np.concatenate(w3s))
        flat *= lw
        path = [0] * len(cands)
        off = 0
        k = 0
        for a, b in segments:
            backs: list[np.ndarray] = []
            score = np.zeros((1, 1))
            for i in range(a, b):
                shp = shapes[k]
                n = shp[0] * shp[1] * shp[2]
                lp = flat[off : off + n].reshape(shp)
                off += n
                k += 1
                total = score[:, :, None] + lp
                back = total.argmax(axis=0)
                score = np.take_along_axis(total, back[None], axis=0)[0] - cands[i].cost[None, :]
                backs.append(back)
            h, j = np.unravel_index(int(score.argmax()), score.shape)
            seg = [int(j)]
            prev = int(h)
            for back in reversed(backs[1:]):
                seg.append(prev)
                prev = int(back[prev, seg[-2]])
            seg.reverse()
            path[a:b] = seg[-(b - a) :]
        return path

    def _confidences(
        self,
        cands: list[_Cands],
        path: list[int],
        seg_of: list[tuple[int, int]],
        positions: list[int],
    ) -> dict[int, tuple[float, list[str]]]:
        """P(chosen | neighbours fixed) at each position, and its best alternatives (one batch)."""
        out: dict[int, tuple[float, list[str]]] = {}
        todo = [i for i in positions if len(cands[i].words) > 1]
        for i in positions:
            if len(cands[i].words) == 1:
                out[i] = (1.0, [])
        if not todo:
            return out

        def wid(k: int, a: int) -> int:
            return int(cands[k].ids[path[k]]) if k >= a else BOS

        w1s, w2s, w3s, spans = [], [], [], []
        for i in todo:
            a, b = seg_of[i]
            ids = cands[i].ids
            n = len(ids)
            parts = [(np.full(n, wid(i - 2, a)), np.full(n, wid(i - 1, a)), ids)]
            if i + 1 < b:
                parts.append((np.full(n, wid(i - 1, a)), ids, np.full(n, wid(i + 1, a))))
            if i + 2 < b:
                parts.append((ids, np.full(n, wid(i + 1, a)), np.full(n, wid(i + 2, a))))
            spans.append(len(parts))
            for x, y, z in parts:
                w1s.append(x)
                w2s.append(y)
                w3s.append(z)
        flat = self.lm.logprob(np.concatenate(w1s), np.concatenate(w2s), np.concatenate(w3s))
        off = 0
        lw = self.config.lm_weight
        for i, nparts in zip(todo, spans, strict=True):
            c = cands[i]
            n = len(c.ids)
            s = -c.cost.copy()
            for _ in range(nparts):
                s += lw * flat[off : off + n]
                off += n
            s -= s.max()
            prob = np.exp(s)
            prob /= prob.sum()
            order = np.argsort(-prob)
            alts = [c.words[k] for k in order[:4] if k != path[i]][:3]
            out[i] = (float(prob[path[i]]), alts)
        return out

    # ------------------------------------------------------------------ corpus spans

    def _span_index(self) -> SpanIndex | None:
        if self._spans is None and (self._build / "span_hash.npy").exists():
            self._spans = SpanIndex(self._build, self.kmap)
        return self._spans

    def _corpus_spans(
        self, tokens: list[Token], words: list[str], fixed: list[bool], cands: list[_Cands]
    ) -> dict[int, str]:
        """Positions -> corpus spelling (lowercase), where a corpus passage matches."""
        idx = self._span_index()
        if idx is None:
            return {}
        n = idx.n
        need = max(self.config.min_span_tokens or n, n)
        if len(tokens) < need:
            return {}
        kid = np.empty(len(tokens), np.int64)
        for i, (t, w) in enumerate(zip(tokens, words, strict=True)):
            if t.number:
                kid[i] = self.kmap[NUM]
            else:
                kid[i] = self.ktable.get(strip_marks(w.lower()), -2 - i)
            if t.boundary:
                pass
        # Windows may not cross a sentence boundary (the corpus index never does).
        starts_ok = np.ones(max(len(tokens) - n + 1, 0), bool)
        for i, t in enumerate(tokens):
            if t.boundary and i > 0:
                lo = max(0, i - n + 1)
                starts_ok[lo:i] = False
        hits = idx.find(kid, max_hits=16)
        # A match may not run across a sentence boundary (except at its first token).
        stop = np.array([t.boundary for t in tokens], bool)
        out: dict[int, str] = {}
        i = 0
        while i < len(hits):
            if not starts_ok[i] or len(hits[i]) == 0:
                i += 1
                continue
            best_len, best_p = 0, -1
            for p in hits[i].tolist():
                length = self._extend(idx, tokens, kid, i, int(p), cands, stop)
                if length > best_len:
                    best_len, best_p = length, int(p)
            if best_len < need:
                i += 1
                continue
            corpus_ids = np.asarray(idx.tokens[best_p : best_p + best_len])
            for k in range(best_len):
                if not fixed[i + k] and not tokens[i + k].protected:
                    out[i + k] = self.vocab[int(corpus_ids[k])]
            i += best_len
        return out

    def _extend(
        self,
        idx: SpanIndex,
        tokens: list[Token],
        kid: np.ndarray,
        i: int,
        p: int,
        cands: list[_Cands],
        stop: np.ndarray,
    ) -> int:
        """Length of the match of the text from token i with the corpus from position p.

        Keys must be equal, except that one token in a row may differ when the corpus word is
        among its candidates (a word damaged beyond what the decoder got right)."""
        length = 0
        window = 32
        while True:
            ctok = np.asarray(idx.tokens[p + length : p + length + window])
            m = min(len(ctok), len(kid) - i - length)
            if m <= 0:
                return length
            ck = self.kmap[ctok[:m]]
            ok = (ck == kid[i + length : i + length + m]) & (ctok[:m] > 1)
            ok &= ~stop[i + length : i + length + m]
            if length == 0:
                ok[0] = ck[0] == kid[i] and ctok[0] > 1
            bad = np.flatnonzero(~ok)
            if len(bad) == 0:
                length += m
                if m < window:
                    return length
                continue
            j = int(bad[0])
            length += j
            k = i + length
            word = self.vocab[int(ctok[j])]
            if (
                ctok[j] <= 1
                or stop[k]
                or word not in cands[k].words
                or k + 1 >= len(kid)
                or j + 1 >= m
                or ck[j + 1] != kid[k + 1]
                or fuzz.ratio(strip_marks(tokens[k].text.lower()), strip_marks(word)) < 50
            ):
                return length
            length += 1  # accept the damaged word; the next one matches again

    # ------------------------------------------------------------------ public

    def _pass(self, text: str) -> tuple[list[Token], list[tuple[str, Source, float, list[str]]]]:
        """One decoding pass: for every token, (new spelling, source, confidence, alternatives)."""
        tokens = tokenize(text)
        if not tokens:
            return tokens, []
        p = self.estimate_channel(tokens)
        fixed = [t.protected or t.number for t in tokens]
        cands = [
            self._fixed(t) if f else self.candidates(t.text, p)
            for t, f in zip(tokens, fixed, strict=True)
        ]
        segments = []
        start = 0
        for i in range(1, len(tokens) + 1):
            if i == len(tokens) or tokens[i].boundary:
                segments.append((start, i))
                start = i
        path = self._decode(cands, segments)
        words = [cands[i].words[path[i]] for i in range(len(tokens))]
        corpus = (
            self._corpus_spans(tokens, words, fixed, cands) if self.config.use_corpus_spans else {}
        )
        seg_of: list[tuple[int, int]] = [(0, 0)] * len(tokens)
        for a, b in segments:
            for i in range(a, b):
                seg_of[i] = (a, b)
        out: list[tuple[str, Source, float, list[str]]] = []
        need_conf = []
        for i, t in enumerate(tokens):
            if fixed[i]:
                out.append((t.text, Source.LM, 1.0, []))
                continue
            source = Source.LM
            w = words[i]
            cw = corpus.get(i)
            if cw is not None and cw != w and cw in cands[i].words:
                c = cands[i]
                extra = c.cost[c.words.index(cw)] - c.cost[path[i]]
                if extra < self.config.span_trust:
                    w = cw
                    source = Source.CORPUS
            elif cw is not None and cw == w:
                source = Source.CORPUS
            after = w if w == t.text else apply_case(w, case_pattern(t.text))
            if source is Source.CORPUS:
                alts = [a for a in cands[i].words[:3] if a != w]
                out.append((after, source, 0.99, alts))
            else:
                out.append((after, source, 1.0, []))
                if after != t.text:
                    need_conf.append(i)
        confs = self._confidences(cands, path, seg_of, need_conf)
        for i, (conf, alts) in confs.items():
            out[i] = (out[i][0], out[i][1], conf, alts)
        return tokens, out

    def restore(self, text: str) -> Restoration:
        """Restore ``text``, repeating the pass on its own output until nothing changes.

        A repaired word gives its neighbours better context, so a second pass fixes more; and
        stopping only at a fixed point makes restoring twice the same as restoring once."""
        tokens0 = tokenize(text)
        current = [t.text for t in tokens0]
        meta: dict[int, tuple[Source, float, list[str]]] = {}
        cur_text = text
        for _ in range(self.config.max_passes):
            tokens, res = self._pass(cur_text)
            if len(tokens) != len(tokens0):
                break  # the repaired text tokenizes differently: keep the last consistent state
            new = [r[0] for r in res]
            if new == current:
                break
            for i, (w, src, conf, alts) in enumerate(res):
                if w != current[i]:
                    meta[i] = (src, conf, alts)
            current = new
            cur_text = _rebuild(text, tokens0, current)
        changes: list[Change] = []
        for i, t in enumerate(tokens0):
            if current[i] == t.text:
                continue
            src, conf, alts = meta[i]
            pattern = case_pattern(t.text)
            changes.append(
                Change(
                    line=t.line,
                    col=t.col,
                    before=t.text,
                    after=current[i],
                    source=src,
                    confidence=round(conf, 4),
                    flagged=conf < self.config.flag_threshold,
                    alternatives=tuple(apply_case(a, pattern) for a in alts),
                )
            )
        return Restoration(replay(text, changes), tuple(changes))


def _rebuild(text: str, tokens: list[Token], words: list[str]) -> str:
    """``text`` with token i replaced by ``words[i]``."""
    lines = text.split("\n")
    by_line: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        if words[i] != t.text:
            by_line.setdefault(t.line, []).append(i)
    for ln, idxs in by_line.items():
        s = lines[ln - 1]
        for i in reversed(idxs):
            t = tokens[i]
            s = s[: t.col] + words[i] + s[t.col + len(t.text) :]
        lines[ln - 1] = s
    return "\n".join(lines)
