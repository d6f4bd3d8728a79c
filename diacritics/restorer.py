"""The noisy-channel restorer: candidates under the OCR channel, a trigram LM, Viterbi, corpus spans.

For every word token of the input, candidates are the syllables of the corpus inventory that OCR
could have turned into it (same accent-free key; keys within a small weighted edit distance; the
learned token table). The best sequence maximises

    sum_i  lm_weight * log P_LM(c_i | c_{i-2}, c_{i-1})  -  channel_cost(token_i | c_i)

found with a trigram Viterbi over each stretch of text between sentence boundaries (lines are
joined, because a printed line break is rarely a sentence break). Stretches of at least
``span_n`` tokens that match a passage of the corpus on accent-free forms then take the corpus
spelling (source ``corpus``): the spelling most of the matching passages share, and at an edge
of the match only where a sentence or the previous match bounds it. Each changed word gets a
confidence: the probability of the chosen syllable against its alternatives with its
neighbours fixed.
"""

from __future__ import annotations

import copy
import gc
import math
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from diacritics import channel
from diacritics.changes import (
    Change,
    Restoration,
    Source,
    Unresolved,
    compose,
    moved_back,
    replay,
    still_unresolved,
)
from diacritics.collocations import context_readings
from diacritics.corpus import BOS, NUM, SYMBOL_SHAPE, UNIT_TYPES, UNK
from diacritics.deletes import DeletionIndex
from diacritics.formulas import Formulas, Passages
from diacritics.initials import (
    document_codes,
    name_repairs,
    printed_readings,
    spelled_codes,
    spelled_runs,
)
from diacritics.lm import DocCache, TrigramLM, UnitClass
from diacritics.numerals import numeral_repairs
from diacritics.orthography import foreign_letters, gains_hook_or_horn, has_marks
from diacritics.orthography import strip_marks as _strip_marks
from diacritics.resegment import Region, resegment
from diacritics.spans import SpanIndex, key_ids
from diacritics.tokens import (
    LineMemo,
    Token,
    apply_case,
    case_pattern,
    is_abbreviation,
    stray_mark_after,
    syllable_shaped,
    tokenize,
)

# Every pass strips the marks of the same few thousand words again.
strip_marks = lru_cache(maxsize=200_000)(_strip_marks)


@dataclass(frozen=True)
class RestoreConfig:
    """Settings of the restorer.

    lm_weight: weight of the language model log-probability against the channel cost (default
        0.7, the best of 0.6-1.25 on the development measurements).
    max_candidates: candidates kept per token after channel pruning (default 8: the Viterbi does
        K^3 LM look-ups per token, and the right syllable is in the top 8 almost always).
    letter_candidates, letter_beam: the same two limits where the channel lets OCR have changed
        base letters (garbled and font damage; defaults 64 and 12.0): the right word then
        competes with letter repairs as well as with mark variants, and fewer left it out too
        often (8 -> 16 within 4.0 -> 6.0: synthetic 92.4 -> 93.0%, real 93.2 -> 93.7%; then on
        the development split: 16 -> 32 within 6.0 -> 8.0: 93.99 -> 94.42%; with the bigram
        pruning below, 48 within 10.0: 95.16%, 64 within 12.0 and max_edit_cost 12: 95.33%,
        96 within 14.0: 95.40% at 1.7x the time); stripped and clean text keep 8 and 4.0.
    unknown_candidates, unknown_extra_beam: where letters may be damaged and the token is no
        known word, at least this many candidates within letter_beam plus this much (defaults 64
        and 2.0): heavy damage ("chittc" for "chức") leaves the right word far down the list.
        Development split, before the pruning: 94.64 -> 94.77% (48 and 2.0).
    prune_keep, prune_beam: before the trigram decoder, a bigram max-marginal pass keeps at
        most prune_keep candidates per word, within prune_beam nats of the best (defaults 16
        and 10.0; 0 = off). The trigram decoder costs K³ per word: 48 candidates unpruned gave
        95.09% on the development split in 62 s, pruned to 16 95.16% in 25 s (to 12: 95.16%;
        a beam of 6.0: -0.17 points).
    beam: candidates ranked (channel cost - 0.3 log unigram) more than this behind the best one
        are dropped before decoding (default 4.0: they (almost) never win, and each costs LM look-ups).
    prune_unigram_weight: candidates are ranked for pruning by channel cost minus this times
        their log unigram probability (default 0.3), so frequent words survive the cut.
    max_edit_cost: candidates whose base-letter edit cost exceeds this are dropped (default
        12.0 nats; on the development split 8.0 -> 10.0: 94.42 -> 94.56%, then 12.0 with 64
        candidates: 95.26 -> 95.33%).
    keep_unknown_cost: cost of leaving a token that is no known syllable as it is (default 7.0):
        about a two-letter repair, so unknown names survive unless the LM insists (6.0 -> 7.0
        with max_edit_cost 10 on the development split: 94.56 -> 94.64%; 5.0 measured worse).
    flag_threshold: changes with a confidence below this are flagged for review (default 0.6).
    confidence_temperature: a language-model change's confidence is the softmax of its
        candidates' scores divided by this (default 1.5, temperature scaling). At 1.0 the
        confidences were too high: on the development split, changed words with confidence
        0.5-0.6 / 0.6-0.7 / 0.7-0.8 were right 26% / 42% / 44% of the time; at 1.5, 48% / 62%
        / 72% (at 2.0 the middle is underconfident). Only confidences and flags change.
    use_corpus_spans: take the spelling of matching corpus passages (default True).
    min_span_tokens: a corpus passage must match at least this many tokens (default: the span
        index's n-gram length, 5).
    oov_cost: extra cost of a candidate syllable that the language model never saw (default 8.0:
        the model gives all unseen words the one <unk> probability, far too high for one syllable).
    span_trust: a corpus passage overrides the decoder's choice for a word only when its spelling
        costs at most this much more under the channel (default 3.0 nats), so a passage with the
        same accent-free words but other marks cannot rewrite correctly marked text.
    token_table_weight: a whole OCR token seen in the learned token table costs this times
        -log P(clean | ocr) for each clean reading (default 1.0).
    token_table_floor: added to every token-table cost (default 0.0).
    token_table_trust: when an OCR token was seen at least this many times in the synthetic
        training pages, its token-table row replaces the generic mark and letter prices: listed
        readings cost -log P(clean | ocr), every other candidate pays -log of the row's
        leftover mass (default 50; only where the channel is OCR's, not for stripped text).
        With 16 candidates per damaged word, letter repairs the generic prices allow but OCR
        never made compete ("xa" -> "và": x/v is a frequent letter confusion, yet Tesseract
        printed "xa" 360 times and never for "và"). Measured: synthetic 93.19 -> 93.32%, real
        93.67 -> 93.73%; with 8 candidates it had measured no gain.
    token_table_trust_marked: apply that trust only to tokens that are known syllables with
        marks (default False).
    token_table_residual: floor of the leftover mass (default 0.02, i.e. at most +3.9 nats).
    token_table_smoothing: a row's shares are n / (N + this) instead of n / N (default 5.0,
        add-k smoothing): a token seen three times, each time for "thiểu" ("thièu" on 1,000
        training pages), no longer makes "thiểu" free and "thiệu" dear ("giét thièu" ->
        "giết thiểu" for "giới thiệu"). Development split: 0/2/5/10: 97.14/97.13/97.14/97.12
        (1,000-page tables); held out, synthetic 96.34 -> 96.26%, real 95.75 -> 95.69%; chosen
        for the tie and the golden case it mends.
    token_table_prior, token_table_prior_cap: P(clean | ocr) counts each clean word as often
        as the training pages said it, a prior the language model brings again; this share of
        it is divided out of a row's readings, relative to its first one (default 0.5: the
        language model's weight is 0.7, so a whole division leaves the prior under-counted),
        by at most the cap in nats either way (default 1.0: the counts of rare words are few).
        Development split 96.99 -> 97.05% (0.25/0.75/1.0: 97.04/97.02/96.84 uncapped; caps
        0.5/1/1.5/3/none at 0.5: 97.02/97.05/97.03/97.05/97.05). Caps tied there; held out,
        synthetic 96.12 -> 96.23% (uncapped 96.26%) and real 95.51 -> 95.63% (uncapped 95.17%):
        the cap was kept knowing those figures.
    freeze_confidence: after a pass with the input's channel, words it changed with at least
        this confidence are kept fixed in the further passes with that channel (default 2.0 =
        off: 0.99 made the passes ~15% faster but cost 0.2 points on real and synthetic damage).
    freeze_confidence_marks: the same for text whose letters are right (marks stripped, or
        correct text): default 0.95. There the second pass (with the document's bigram cache)
        has only marks to reconsider, and a word the first pass was sure of keeps them: the
        development plans stripped read 99.69 -> 99.70% in ~10% less time (0.99/0.9/0.8/0.6:
        99.69/99.70/99.70/99.70%, 0.95 the quickest); held out, measured once after: stripped
        99.56% and unchanged 99.99% as before; stripped-text speed against pyvi 1.12-1.15x in
        two same-run measurements (0.95-1.0x before).
    case_weight: weight of the case channel, -log P(capitalized | word) inside a sentence as
        counted in the corpus (default 0.3). A word capitalized mid-sentence is more often a
        term or a name ("Dân", "Đảng") than its homographs. Measured with 16 candidates per
        damaged word: real OCR damage 93.7 -> 94.5%, synthetic 93.32 -> 93.35%, stripped
        99.17 -> 99.20%, flat from 0.15 to 0.5; at full weight (1.0) the corpus's personal names
        ("Văn") pull too hard, and with 8 candidates it had measured -0.6 on real damage.
    case_pair_prior: the case of a capitalized word inside a sentence is judged by how often the
        corpus capitalizes it after the word before it, else before the word after it (default
        5.0: those pair counts are shrunk toward the word's own share by this many counts; a
        negative value: the word's own share only). OCR prints "C", "K", "S", "V" for small
        letters now and then, and "Công" alone is capitalized often ("Công an"), "công tác"
        never. Development split 96.80 -> 96.96% (prior 3: 96.94, 8 and 10: 96.96; the word
        after first: 96.85; only the word after: 96.81, only the word before: 96.93). Session
        25 tried 10 (one word better on each of the four development sets, one word worse on
        each of three held-out ones) and kept 5: with 10, three sightings of "Công an" in a
        user's corpus no longer outweigh the word's own share (tests/test_corpus_build.py);
        2, 7: no gain; 20, 40: worse.
    case_output: spell a restored word in the case its context says, not always as printed
        (default True; see ``_output_case``): "HGi" among small letters is "Hội", not "HỘI",
        and "Va" inside a sentence is "và" (Tesseract prints "V" for "v" 0.8% of the time, the
        corpus capitalizes "và" less often). Measured on the development split (synthetic damage
        of documents left out of a reduced corpus): 93.53 -> 93.99%.
    input_channel_passes: passes that use the channel estimated on the input before switching
        to the channel of the current text (default 5).
    max_passes: decoding passes with the input's channel at most; each pass reads the previous
        pass's output, and the restorer stops at a fixed point (default 5; typically 3 are run,
        the last two cheap). Up to two passes with the current text's channel then confirm the
        fixed point, also when the passes before ran out or went round in a cycle.
    abbreviation_ratio: an abbreviation printed with D ("HDND") takes its Đ form when the corpus
        has that form at least this many times as often (default 5.0); so does a part of a
        document symbol in capitals ("91/2017/ND-CP" -> "NĐ-CP", "12/QD-UBND" -> "QĐ-UBND";
        "KH-DU" stays: "du" is common). Development split 97.23 -> 97.26%, other Latin models
        97.48 -> 97.53%; held out: synthetic 96.44 -> 96.45%, stripped 99.52 -> 99.56%, correct
        text unchanged 99.992%, real unchanged.
    split_cost: price of reading two tokens as one word that OCR split ("chu c" -> "chức");
        merge_cost: price of reading one token as two words that OCR glued ("suco" -> "sự cố").
        Defaults 5.28 and 3.51 nats: -log of how often, on the synthetic training pages, a pair
        of neighbours the step may merge was one word that Tesseract split (0.51%), and a token
        the step may cut into two syllables was two words that it glued (2.99%)
        (`scripts/measure_split_rates.py build/confusion/pages-3.jsonl 1000`; on the 640 pages
        of the tables before session 11: 0.53% and 2.68%, 5.25 and 3.6 nats).
        The shares among all words (0.13%, 0.12%: 6.6 and 6.7 nats, the earlier defaults) are
        the wrong prior: the step only looks at tokens that already look broken. Development
        split: 95.58 -> 95.71% ("Cancu" -> "Căn cứ", "chitiet" -> "chi tiết"; merge_cost alone
        3.0-4.5 gave the same). split_cost 0 turns the step off (diacritics/resegment.py).
    lost_vowel_cost: price of reading a token as a word and two letters without a vowel whose
        vowel OCR read as a consonant ("Ghird" -> "Ghi rõ"; ``resegment.lost_vowel_cut``):
        default 6.95 nats, -log of how often such a token was two glued words on the training
        pages (2 of 2,093, `scripts/measure_split_rates.py`; far rarer than the 2.99% of the
        cuts with a vowel on each side). Development split 97.52 -> 97.56% (the same at 5.0
        nats); other Latin models and font damage unchanged. 0 = no such cut.
    doc_cache_weight, doc_cache_k: from the second pass on, the language model is mixed with the
        bigrams the document repeats in its first pass's reading, with weight doc_cache_weight ·
        m / (m + doc_cache_k) for a history with m repeated bigrams (defaults 0.3 and 2.0; 0 =
        off; see lm.DocCache). Not for correctly marked text. A plan repeats its terms ("cử tri"
        dozens of times): where OCR left one occurrence ambiguous, the others decide. Chosen on
        the development split: 95.26 -> 95.35% (0.1, 0.3 and 0.5 alike; k 0.5-5 alike); held-out
        synthetic 94.77 -> 94.96%, real 95.11 -> 95.17%, measured once.
    doc_cache_soft: the cache counts each bigram of the first reading by expectation, not as
        read: every candidate of a position weighted by its probability in context (as the
        key's votes are; see Restorer._soft_bigrams), so that the reading's unsure guesses do
        not outvote its sure ones. Development sets 97.46/97.78/96.94 -> 97.52/97.78/96.87%
        (temperature 0.5/2, vote floor 0.1, weight 0.2/0.5, k 1: within 0.03); held out,
        measured once: real 96.15 -> 97.59% (a movement's name, read "Dân văn" at its 25
        unsure occurrences, outvoted the plan's 14 sure "dân vận"; counted by expectation,
        the sure ones carry it), synthetic 96.561 -> 96.577%, font 96.336 -> 96.384%. Over
        OCR damage only: on stripped text it read 99.541 -> 99.533% and cost a fifth of the
        speed (0.89x pyvi in one bench run). False: each bigram of the reading counts 1.
    font_cache_pass: on font damage (the "font" token table: an engine that dropped the vowels
        it could not print), the document cache counts the reading of a middle pass, made with
        the document's other models (repeated tokens' prior, the key's votes, the repeated
        words) and no cache, instead of the first reading (default True). There a token stands
        for many words ("ca" for "của", "cả", "cá", ...) and the document's repeated tokens
        decide most of them, so the first reading, made without them, is a poor reading to
        count. Development sets 97.52 / 97.78 / 96.87 -> 97.52 / 97.78 / 97.04%; the font
        set's time 1.2-1.3x (11-12.8 -> 14.4-15.7 s for its 9,269 words over runs). Held out, measured once: font
        96.384 -> 96.440%, the rest unchanged (they are no font damage). On every kind of OCR
        damage: 97.51 / 97.79 / 97.04 at 1.3x the time of all of them; not taken.
    doc_vocab_min_count, doc_vocab_max_dist, doc_vocab_limit, doc_vocab_cost, doc_vocab_keep:
        from the second pass on, where OCR may have changed base letters, a token's candidates
        also include the known words that the first pass read at least doc_vocab_min_count
        times in the document (default 3; 0 = off) whose accent-free form is within plain edit
        distance doc_vocab_max_dist (default 3, one more than the inventory search) and whose
        weighted edit cost is at most doc_vocab_limit (default 16.0 nats, above max_edit_cost),
        priced like other candidates plus doc_vocab_cost (default 0.0); at most doc_vocab_keep
        of them (default 8), by cost minus log of their count in the document. Heavy damage
        ("nhtthg" for "những") is out of the inventory search's reach, and a plan repeats its
        words. Development split: 95.41 -> 95.58% (min count 2/3/5 alike; keep 4/8/16:
        95.59/95.58/95.61, unlimited 95.65 at twice the time; cost 2.0: -0.08).
    learned_tones: for OCR damage (the "garbled" channel), price tone marks by the tone
        confusion learned from the token table (channel.load_tone_table) instead of the three
        hand-set prices (default True). Tesseract's Latin models print "é" for any tone on an
        e: an acute printed is weak evidence against hỏi (0.41 nats) and nặng (0.86), where the
        hand-set price was 1.5 for any other tone. Development split 95.71 -> 95.71% (a few
        words each way); held-out synthetic 95.15 -> 95.18%, real 95.17% unchanged.
    capital_costs: price a capital letter as printed by the capitals' own character counts
        (channel.learned_costs; default True): Tesseract's Latin models print T as F, L as E,
        Đ as P far more often than the small letters, and counted together a capital's
        confusion cost about 2 nats more than its own counts say.
    latin1_tables: a garbled document where OCR printed letters Vietnamese never writes
        ("cüa", "hôï": Tesseract's French model, channel.latin1_share) takes the token table
        and tone prices learned from such pages alone (confusion_tokens_latin1.tsv; default
        True). Development split 97.15 -> 97.16% (one French-read document of three: one word);
        measured held out after that choice: synthetic 96.32 -> 96.42%, real unchanged (the dev
        gold has no such letters). That table's own letter prices too: 97.03%, not kept. The
        same plans read by eng+fra+por read better without it: hence the 3% threshold
        (channel.LATIN1_MIN_SHARE) that such pages rarely reach.
    number_words_before_numbers: a number of ``number_words.tsv`` after a word and before a
        number or document symbol may be read as a word too (default True): Tesseract's
        French model prints "số" as "56" ("Nghị quyết 56 101/2025/..."); on the training pages,
        "56" in that place stood for "số" 12 times and never for itself. Development split
        97.16 -> 97.18%; held out: synthetic 96.42 -> 96.43%, real unchanged.
    abbreviation_words, abbreviation_word_min: a token shaped like an abbreviation (capitals
        without a vowel, protected otherwise) that the token table saw at least this often
        (default 5), never as itself and mostly for a syllable, is read like a word in
        OCR-damaged text ("BG" for "Bộ" 88 times, "SG" for "Sở"); its own spelling stays a
        candidate. Development split 97.18 -> 97.23%; held out: synthetic 96.43 -> 96.44%,
        real unchanged.
    context_followers, context_leaders: from the second pass on, where OCR may have changed
        base letters, a token's candidates also include the this many words the corpus most
        often puts right after its left neighbour and right before its right one (as read in
        the pass; defaults 10 and 10; 0 = off), within the reach and at the prices of the
        document's words (doc_vocab_max_dist, doc_vocab_limit): "bị cfm" -> "bị cấm", "un
        nhiệm" -> "tín nhiệm". Development split 95.75 -> 95.88% (10, 20 and 50 alike; 20 after
        the left neighbour only: 95.82%); about a third more time on OCR damage. Held-out
        synthetic 95.18 -> 95.25%, real 95.17% unchanged, measured once.
    type_min_count, type_max_discount: from the second pass on, over OCR damage, each input
        token the document repeats at least type_min_count times (default 3; 0 = off) gets one
        reading that explains its occurrences best, scored by the corpus LM in all their
        contexts with the channel price paid once, and that reading's price is lowered to its
        price over the number of occurrences, by at most type_max_discount nats (default 6.0)
        (see Restorer._type_prior): a document's damage is systematic. Development split
        95.88 -> 96.05% (min count 2/3/5: 96.07/96.05/95.98; paid n^0.5 times or n times:
        96.03/96.00; only for tokens that are no syllable: 95.93). Uncapped, on the real
        sample one token type (28 occurrences) took a reading at 14.6 nats of channel price,
        a net loss of 7 words (95.17 -> 94.77%); capped at 2/4/6 nats: dev split
        96.02/96.02/96.04%, real 95.11%.
    key_cache_weight, key_cache_alpha, key_cache_min_mass: from the second pass on, over OCR
        damage, the readings of each accent-free key are priced by how the document reads that
        key, not only by how the corpus does (see Restorer._key_shift): a word the first
        reading favours at its occurrences (soft counts: the candidates' probabilities in their
        context) over its homographs ("cử" over "cư" in a plan about voters) costs
        -weight * log(P_doc(w | key) / P_corpus(w | key)) less, P_doc smoothed toward the
        corpus's share by key_cache_alpha occurrences, for keys with at least key_cache_min_mass
        occurrences (defaults 1.0, 5.0, 3.0; weight 0 = off). Development split 97.26 -> 97.30%,
        other Latin models 97.53 -> 97.63% (weight 0.5/0.7/1.5/2: 97.29/97.29/97.26/97.25;
        alpha 0.5/2/10: 97.29/97.29/97.30; min mass 1.5/6: 97.29/97.30; the first reading's
        words counted instead of soft counts: 97.30/97.60). Held out, measured once after:
        synthetic 96.45 -> 96.50%, real 95.69 -> 95.86%, stripped and unchanged text as before
        (they are no OCR damage). Only each position's key_cache_candidates (16) cheapest
        candidates vote: the development sets read as with all of them (font damage one word
        better; 8: the same) in a third of the time (0.6 -> 0.2 s of 14 s on the held-out
        synthetic set, which then read one word better, 96.505%).
    font_tables: a document where at least channel.FONT_TABLE_MIN_SHARE (12%) of the words have
        no vowel and fewer than 3% carry a letter Vietnamese never writes was read by an engine
        that could print Latin-1 only and dropped the vowels it could not print ("huyn", "Tip",
        "h thng"): it is read with that damage's token table (``confusion_tokens_font.tsv``,
        Tesseract vie printing Latin-1 only, scripts/learn_confusion_vie.py --simulation font)
        on the font channel's prices (default True). Development plans read that way (a third
        development set, synthetic-font) 88.83 -> 96.33%, the other sets unchanged; held out,
        measured once after: the held-out plans read that way 88.74 -> 95.83%, every other test
        set unchanged. A document with Latin-1 letters too (the Ban Dân vận sample: 13.6% of
        its words without a vowel, 6.4% with such a letter) keeps the Latin-1 table: with the
        font table it read worse by eye ("Đan an khéo", "đáng kể" for "Dân vận khéo", "đăng ký").
    end_weight: weight of the end-of-sentence model at each sentence end (text end, blank line,
        or . ! ? ; :), relative to lm_weight (default 1.0, the weight of any trigram; 0 = off):
        the decoder adds log P(the sentence ends | the last two words) (lm.TrigramLM.end_logprob),
        which the trigram model (it never predicts <s>) left out: "Cu the:" is "Cụ thể:", not
        "Có thể:". Development split 97.31 -> 97.32%, other Latin models 97.64 -> 97.70%,
        font damage 96.68 -> 96.75% (0.5: 97.30/97.71/96.71; 2.0: 97.35/97.65/96.73); then
        only where the punctuation stands apart (not "nh.a", a word OCR broke): 97.32/97.70/
        96.74. Held out, measured once after: synthetic 96.505 -> 96.521%, font 96.25 ->
        96.34%, real 95.86 -> 95.92%, stripped 99.557 -> 99.533%, unchanged 99.992%.
    unresolved_abbreviations: in damaged text, a standalone abbreviation of four characters
        or more that the corpus never writes (symbols.tsv) and the passes left as printed is
        listed with the unresolved words, for review (default True), when it holds a letter
        no Vietnamese word begins with (f, j, w, z): a damaged one that no repair could place
        ("MFFQ" for "MTTQ"), unless the document spells it out. Development split, the three
        sets: marked words 2.02 -> 2.04%, holding 54.5 -> 55.6% of the wrong words (session
        26, any unknown code). Session 27 kept only the codes with a foreign letter: the
        others were mostly right as printed on real scans: of the 13 marks this took off
        ../shared/real-scans, 12 were right ("SGDĐT" x4, "CTSV" x3, "GDCTHSSV", "TCKT",
        "PCVP", "LĐTB", "TTHĐNDTP"; "CTTTTT" perhaps not). Development split: 2.14 -> 2.13%
        of words marked, holding 60.1 -> 59.3% of the wrong ones.
    heading_numerals: in damaged text, the Roman numeral of a heading in capitals that OCR
        misprinted ("H. NỘI DUNG", "IL. NOI DUNG") is read from the headings around it, if
        its strokes could be that numeral's (diacritics/numerals.py; source "document";
        default True): "H." between "I." and "III." is "II.".
    formula_lines: in damaged text, a line of formula_min_words (default 3) or more whose
        reading is near one of the short lines the corpus repeats (lines.tsv: the state's
        motto, a signer's block; rapidfuzz ratio of the accent-free words at formula_cutoff,
        default 85, with as many words) takes that line's spelling, whole or not at all: every
        word that differs in letters must be one OCR could have printed as it did and not one
        read as surely as formula_sure_reading (default 0.99); source "corpus"
        (diacritics/formulas.py; default True). Development split 97.60 -> 97.64%, font
        damage 97.30 -> 97.40% (session 27); 2 words at least: 97.60 / 97.90 / 97.39; cutoff
        80: the same as 85; 90: font damage 97.37. A line of passage_min_words (default 5) or
        more that is no frequent line may be a window of the user's own documents' words
        (``plans corpus add``: a parent plan; passages.txt of the build), wherever either
        document breaks its lines, read the same way (its numbers left out, no capital taken
        from the window). Development split with its own three plans added to the corpus:
        97.89 -> 98.12%, other Latin models 98.09 -> 98.28%, font damage 97.78 -> 98.09%.
    abbreviated_names: in damaged text, a run of words whose first letters spell one of the
        document's abbreviations of four letters or more but at one word, that word a repair
        under 0.9 or left unread, takes the word another run of the reading with the same
        other words has there (diacritics/initials.py; source "document"; default True): the Ban Dân
        vận sample's "Ban Dân An Huyện ủy" (BDVHU) is "Ban Dân vận Huyện ủy" at 12 of its 14
        places. Then a printed token that is no syllable and that two such names or more read
        as one word ("4n": "vận") is that word wherever else its reading is as unsure: the
        sample's "Dân án khéo" is "Dân vận khéo" at 20 places more. Development sets 97.58 /
        97.89 -> 97.90 / 97.26, vie pages 97.00 (session 26).
    context_readings, context_unsure, context_min: in damaged text, a reading less sure than
        context_unsure (default 0.6: a flagged one, or a word left unread) between two words
        that the document reads surely (0.9) at context_min places or more (default 3), always
        as the same word, takes that word where OCR could have printed the token for it
        (diacritics/collocations.py; source "document"; default True): the Ban Dân vận
        sample's "Dân vốn khéo" (0.20) beside twenty "Dân vận khéo", 7 places and its title.
        The development sets unchanged (it never fires there; session 26).
    context_left, context_left_unsure: then the same with the two words before as the
        context, for a reading less sure than context_left_unsure (default True, 0.9):
        development split 97.58 -> 97.60%, other Latin models 97.90 -> 97.92% (4 readings
        changed, all right: "Họ và t6n" -> "tên", not "tuân"; "UBND va, cu tri" -> "xã"),
        font damage and vie pages unchanged (under 0.6: 97.58 / 97.92; session 26).
    unit_class_weight: the one-word administrative unit types of the gazetteer (xã, phường,
        huyện, quận, tỉnh) share the mass the model gives them after a context as one class,
        in the proportions the document uses them (lm.UnitClass; 0 = off; default 0.5): the
        corpus says "Đảng bộ xã/huyện/tỉnh" and hardly ever "Đảng bộ phường", so a ward's plan
        read "phuong" there as "phương". The first pass shares by the corpus's unit counts,
        the later ones by the first reading's. Development split 97.32 -> 97.41%, other Latin
        models 97.70 -> 97.75%, font damage 96.74 -> 96.83% ("phường" read "phương": 19 -> 2
        over the three sets); 0.25, 0.4, 0.65, 0.8: 97.40-97.41 / 97.75-97.76 / 96.78-96.83.
    unit_class_alpha: the document's unit counts are shrunk toward the corpus's shares by
        this many counts (default 5.0; 1 and 20 gave the same figures within 0.01).
    symbol_min_length, symbol_min_count: in OCR-damaged text, a run of capitals and digits of
        at least ``symbol_min_length`` characters that is no syllable and that the corpus never
        writes ("UBTVQHI5", "UBTVQHI15": OCR read "1" as "I" or added one) is repaired to the
        symbol part the corpus writes at least ``symbol_min_count`` times that is one edit
        away (Levenshtein; where two are, the one written five times as often; else none):
        "UBTVQH15"; only when that edit is OCR's kind of damage of a symbol (a misread digit, an
        added glyph, a lost stroke: ``_symbol_misreading``), not a letter put for another:
        "SGDĐT" is no "BGDĐT" (session 23; every repair of the development sets is kept). A symbol the corpus never wrote and none is near stays as printed (the
        samples' local symbols "BDVTU", "BDVHU"). Outside a symbol, only a repair that stays
        one token (the passes align on the input's tokens; tokens.py keeps "UBTVQH15" alone
        whole since this session: 97.44/97.78/96.89 -> 97.46/97.78/96.94, held out synthetic
        96.553 -> 96.561%, the rest unchanged). 0 = off. Development sets:
        no change of their clean text, 17 repairs of their OCR text (minimum length 4: 21, with
        "QHI5" -> "QH15"; two edits: 24, with "S015" -> "QH15", wrong); 97.41/97.75/96.83 ->
        97.44/97.78/96.89% (length 4: 97.46/97.81/96.88, not taken: more room for a commune's
        own four-letter symbol one edit from a frequent one). Held out, measured once after:
        synthetic 96.537 -> 96.553%, font damage 96.328 -> 96.336%, the rest unchanged.
    channel: force a channel preset ("garbled", "font", "stripped", "clean", or for text that
        Tesseract's Vietnamese model read from a degraded scan "ocr" and, for a page it read
        badly, "ocr-heavy": the garbled prices with that model's token table; see
        pipeline.stages.ocr_channel); default None = estimated per document from how its marks
        and letters look. "font" takes the Latin-1 token table where the document has letters
        Vietnamese never writes, else the font table (font_tables), whatever its share of
        vowel-less words.
    """

    lm_weight: float = 0.7
    end_weight: float = 1.0
    unit_class_weight: float = 0.5
    unit_class_alpha: float = 5.0
    symbol_min_length: int = 5
    symbol_min_count: int = 20
    max_candidates: int = 8
    letter_candidates: int = 64
    letter_beam: float = 12.0
    unknown_candidates: int = 64
    prune_keep: int = 16
    prune_beam: float = 10.0
    unknown_extra_beam: float = 2.0
    max_edit_cost: float = 12.0
    beam: float = 4.0
    prune_unigram_weight: float = 0.3
    keep_unknown_cost: float = 7.0
    flag_threshold: float = 0.6
    confidence_temperature: float = 1.5
    use_corpus_spans: bool = True
    min_span_tokens: int | None = None
    max_passes: int = 5
    input_channel_passes: int = 5
    case_weight: float = 0.3
    case_output: bool = True
    case_pair_prior: float = 5.0
    freeze_confidence: float = 2.0
    freeze_confidence_marks: float = 0.95
    token_table_weight: float = 1.0
    token_table_floor: float = 0.0
    token_table_trust: int = 50
    token_table_trust_marked: bool = False
    token_table_residual: float = 0.02
    token_table_smoothing: float = 5.0
    token_table_prior: float = 0.5
    token_table_prior_cap: float = 1.0
    oov_cost: float = 8.0
    span_trust: float = 3.0
    channel: str | None = None
    abbreviation_ratio: float = 5.0
    split_cost: float = 5.28
    merge_cost: float = 3.51
    lost_vowel_cost: float = 6.95
    doc_cache_weight: float = 0.3
    doc_cache_k: float = 2.0
    doc_cache_soft: bool = True
    font_cache_pass: bool = True
    doc_vocab_min_count: int = 3
    doc_vocab_max_dist: int = 3
    doc_vocab_limit: float = 16.0
    doc_vocab_cost: float = 0.0
    doc_vocab_keep: int = 8
    learned_tones: bool = True
    capital_costs: bool = True
    latin1_tables: bool = True
    font_tables: bool = True
    number_words_before_numbers: bool = True
    abbreviation_words: bool = True
    abbreviation_word_min: int = 5
    context_followers: int = 10
    context_leaders: int = 10
    type_min_count: int = 3
    key_cache_weight: float = 1.0
    key_cache_alpha: float = 5.0
    key_cache_min_mass: float = 3.0
    key_cache_candidates: int = 16
    type_max_discount: float = 6.0
    unresolved_abbreviations: bool = True
    abbreviated_names: bool = True
    context_readings: bool = True
    context_unsure: float = 0.6
    context_min: int = 3
    context_left: bool = True
    context_left_unsure: float = 0.9
    heading_numerals: bool = True
    formula_lines: bool = True
    formula_cutoff: float = 85.0
    formula_min_words: int = 3
    formula_sure_reading: float = 0.99
    passage_min_words: int = 5

    def __post_init__(self) -> None:
        # (A weight above 1 would make the unit words' probabilities negative.)
        if not 0.0 <= self.unit_class_weight <= 1.0:
            raise ValueError(f"unit_class_weight must be in [0, 1], not {self.unit_class_weight}")
        if self.unit_class_alpha <= 0.0:
            raise ValueError(f"unit_class_alpha must be positive, not {self.unit_class_alpha}")


@dataclass
class _Document:
    """What restoring one text learned from its first pass, for its later passes: whether
    they may add candidates (OCR damage), the known words it repeats (``doc_vocab_*``), the
    candidate lists built from them and from the corpus's neighbours, and the reading of each
    input token it repeats (``type_*``)."""

    later: bool = False
    words: list[str] = field(default_factory=list)  # read at least doc_vocab_min_count times
    keys: list[str] = field(default_factory=list)  # their accent-free forms
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.intp))  # key rows, -1: none
    log_counts: list[float] = field(default_factory=list)
    fingerprint: int = 0
    cands: dict[tuple[str, channel.ChannelParams], _Cands] = field(default_factory=dict)
    context: dict[tuple[str, bool, int, int, channel.ChannelParams], _Cands] = field(
        default_factory=dict
    )
    types: list[str] = field(default_factory=list)  # the input's tokens, lower case
    # The reading each repeated input token gets its price lowered to, and that price (see
    # Restorer._type_prior); None until the first later pass computes it.
    prior: dict[str, tuple[str, float]] | None = None
    # Price moves of readings by how the document reads their key (Restorer._key_shift).
    key_shift: dict[str, float] = field(default_factory=dict)


# Why a word changed: source, confidence, alternatives.
# A repair this sure is no misread word of a name its abbreviation contradicts: a body of its
# own ("Ban Dân tộc" beside "Ban Dân vận"). Below it, the decoder's guesses at a syllable font
# damage printed as "4n" ("án", 0.74; "An", 0.51).
_NAME_UNSURE = 0.9
_Why = tuple[Source, float, tuple[str, ...]]
# A candidate's probability in context below which it casts no vote in the document's models
# (the key's votes, the cache's expected counts): a trace of a vote is none.
_VOTE_MIN = 0.01
# How sure a heading's numeral read from the numbers around it is (diacritics/numerals.py): the
# order of a plan's parts is near certain, the heading's being one of them less so.
_NUMERAL_SURE = 0.9
# How sure a word read from a frequent corpus line is: a whole line matched, each word one OCR
# could have printed so (as a corpus passage's words, which get 0.99, but matched fuzzily).
_FORMULA_SURE = 0.95
_LM_SURE: _Why = (Source.LM, 1.0, ())  # the decoder's choice, confidence not computed (yet)


@dataclass
class _Cands:
    words: list[str]  # lowercase candidate spellings (the token itself for "keep")
    ids: np.ndarray  # LM ids
    cost: np.ndarray  # channel costs (nats)


# What a pass decoded: each token's candidates, and the segments (token ranges) of the text.
_Decoded = tuple[list[_Cands], list[tuple[int, int]]]


class Restorer:
    """Loads a corpus build once; ``restore(text)`` may then be called many times."""

    # Candidate lists kept across restores at most (a batch meets new OCR garbage in every
    # document: unbounded, the cache grew by ~0.5 MB a document). Cleared between documents.
    cache_limit = 100_000
    # Decoded segments kept at most, with their candidate lists (a few kB a word). Only a
    # document's own later passes and repeated headers (first passes) can reuse them.
    seg_cache_limit = 20_000

    def __init__(self, build: Path, config: RestoreConfig | None = None):
        self.config = config or RestoreConfig()
        self.vocab = (build / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
        self.vid = {w: i for i, w in enumerate(self.vocab)}
        self._raw_lm = TrigramLM(build, len(self.vocab))
        # The one-word unit types ("xã", "phường"...: see UnitClass) and their corpus shares.
        units = [u.lower() for u in UNIT_TYPES if " " not in u and u.lower() in self.vid]
        self._unit_ids = np.array([self.vid[u] for u in units], np.int64)
        uni = self._raw_lm.p_uni[self._unit_ids]
        self._unit_prior = uni / uni.sum() if len(units) else uni
        self._base_lm = self._with_units(self._raw_lm, None)
        self._reset_state()
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
        self._set_presets()
        # Token tables by OCR engine (ChannelParams.tokens), each but eng's loaded on first use.
        self._abbr_words: dict[tuple[str, int], frozenset[str]] = {}
        self._token_tables = {"eng": channel.load_token_counts("eng")}
        kmap, ktable = key_ids([strip_marks(w) for w in self.vocab])
        self.kmap = kmap
        self.ktable = ktable
        cc = np.load(build / "case_counts.npy").astype(np.float64)
        p_cap = (cc[0] + 0.5) / (cc[0] + cc[1] + 1.0)
        self._p_cap = p_cap
        # Share of a word's occurrences in running text in upper or lower case (not in
        # capitals, nor first in a sentence): near 0 for abbreviations ("ubnd").
        self._cased_share = (cc[0] + cc[1]) / np.maximum(np.load(build / "counts.npy"), 1)
        self._case_conf = {"eng": channel.load_case_confusion()}  # others on first use
        # The same counts by the word after and before (absent in builds before version 12).
        self._case_pairs = {
            side: (
                np.load(build / f"case_{side}_keys.npy"),
                np.load(build / f"case_{side}_counts.npy"),
            )
            for side in ("next", "prev")
            if (build / f"case_{side}_keys.npy").exists()
        }
        # Numbers (and "&") OCR printed for words ("6" for "ở"): the readings the LM knows, as
        # candidates; the token itself first ("keep"), which the LM reads as <num> or "và".
        self._number_words: dict[str, _Cands] = {}
        for number, readings in channel.load_number_words().items():
            known = [(w, c) for w, c in readings if w == "<keep>" or w in self.vid]
            known.sort(key=lambda r: r[0] != "<keep>")
            keep = self.vid.get(_SYMBOL_READS[number], UNK) if number in _SYMBOL_READS else NUM
            self._number_words[number] = _Cands(
                [number if w == "<keep>" else w for w, _ in known],
                np.array([keep if w == "<keep>" else self.vid[w] for w, _ in known], np.int64),
                np.array([c for _, c in known]),
            )
        self._title_cost = -np.log(p_cap)
        self._lower_cost = -np.log1p(-p_cap)
        for arr in (self._title_cost, self._lower_cost):
            arr[:3] = 0.0  # markers and <unk>: no case evidence
        self.names: dict[tuple[str, ...], list[str]] = {}
        # The unit word a place name takes when the gazetteer knows it as one kind of unit only.
        self.name_unit: dict[tuple[str, ...], str] = {}
        # Symbol parts in capitals the corpus writes (corpus.build: symbols.tsv).
        self._symbols: dict[str, int] = {}
        symbols_file = build / "symbols.tsv"
        if symbols_file.exists():
            for line in symbols_file.read_text(encoding="utf-8").splitlines()[1:]:
                sym, _tab, n = line.partition("\t")
                self._symbols[sym] = int(n)
        self._symbol_keys: dict[int, list[str]] = {}  # symbol_min_count -> the keys searched
        names_file = build / "names.tsv"
        if names_file.exists():
            for line in names_file.read_text(encoding="utf-8").splitlines():
                if line.startswith("#") or "\t" not in line:
                    continue
                key, name, *units = line.split("\t")
                self.names[tuple(key.split())] = name.lower().split()
                kinds = units[0].split(",") if units else []
                if len(kinds) == 1:
                    self.name_unit[tuple(key.split())] = kinds[0]
        self._spans: SpanIndex | None = None
        self._formula_lines: Formulas | None = None
        self._passages: Passages | None = None
        self._real_keys: np.ndarray | None = None
        self._build = build
        self._key_dist = channel.KeyDistances(self.edit, self.keys)
        self._key_row = {k: i for i, k in enumerate(self.keys)}
        self._key_arr = np.array(self.keys, dtype=object)
        # A vocabulary word's key row when it is a lexicon word (-1 when not).
        self._vid_row = np.array(
            [self._key_row[strip_marks(w)] if w in self.lexicon else -1 for w in self.vocab],
            np.intp,
        )
        # The words a near key contributes (its 12 most frequent), all keys in a row: key r's
        # are _near_words[_near_start[r] : _near_start[r] + _near_count[r]].
        near_words = [by_key[k][:12] for k in self.keys]
        self._near_count = np.array([len(ws) for ws in near_words], np.intp)
        self._near_start = np.cumsum(self._near_count) - self._near_count
        flat = [w for ws in near_words for w in ws]
        self._near_words = np.array(flat, dtype=object)
        self._near_marks = channel.MarkTable(flat)
        # Per near word: its position there, whether the LM knows it, its log unigram.
        self._near_index = {w: j for j, w in enumerate(flat)}
        self._near_known = np.array([w in self.vid for w in flat], bool)
        self._near_uni = np.array([self._uni_lp[w] for w in flat])
        # The tables above are a few hundred thousand small objects that live as long as the
        # process: taken out of the garbage collector's sight, they no longer make every full
        # collection during a restore walk them (about a tenth of a restore's time).
        gc.freeze()

    def _tokens_of(self, engine: str) -> tuple[dict[str, list[tuple[str, float]]], dict[str, int]]:
        """The token table of an OCR engine (loaded on first use) and its token counts."""
        hit = self._token_tables.get(engine)
        if hit is None:
            hit = self._token_tables[engine] = channel.load_token_counts(engine)
        return hit

    def _table_prices(
        self, row: Sequence[tuple[str, float]], seen: int, engine: str
    ) -> dict[str, float]:
        """The price of each one-word reading of a token-table row, for a token OCR printed
        ``seen`` times on the training pages: -log P(clean | ocr) (times token_table_weight,
        plus token_table_floor), the row smoothed (a row seen a few times only says little:
        its shares count as if it had been seen ``token_table_smoothing`` times more, with
        nothing there) and the training pages' prior partly divided out (:meth:`_prior_shift`)."""
        cfg = self.config
        sure = seen / (seen + cfg.token_table_smoothing) if seen else 1.0
        shift = self._prior_shift(row, engine) if cfg.token_table_prior else {}
        return {
            w: cfg.token_table_floor
            - cfg.token_table_weight * math.log(max(prob * sure, 1e-6))
            + shift.get(w, 0.0)
            for w, prob in row
            if " " not in w
        }

    def _prior_shift(self, row: Sequence[tuple[str, float]], engine: str) -> dict[str, float]:
        """What each one-word reading of a token-table row gains or loses when the training
        pages' prior is divided out of P(clean | ocr), relative to the row's first one-word
        reading: ``token_table_prior`` times log(count(word) / count(first)), at most
        ``token_table_prior_cap`` either way.

        "phuong" stood for "phương" 429 times and for "phường" 24 times, mostly because the
        pages said "phương" 18 times as often; the language model knows how often each is
        said, and after "Ủy ban MTTQ Việt Nam" it says "phường"."""
        cfg = self.config
        counts = channel.load_clean_counts(engine)
        words = [w for w, _p in row if " " not in w]
        if not words:
            return {}
        first = math.log(counts.get(words[0], 1))
        cap = cfg.token_table_prior_cap
        return {
            w: max(-cap, min(cap, cfg.token_table_prior * (math.log(counts.get(w, 1)) - first)))
            for w in words
        }

    def _reset_state(self) -> None:
        """The state of one restorer that no other shares: the document being restored, the
        lock that serializes documents, and the caches."""
        self.lm = self._base_lm
        self._lock = threading.Lock()
        self._doc = _Document()  # of the text being restored (see _document)
        # The candidates and segments the last _pass decoded (the first pass's feed the
        # document's bigram cache: see _soft_bigrams).
        self._last_lattice: _Decoded | None = None
        self._cache: dict[tuple[str, channel.ChannelParams], _Cands] = {}
        self._near_cache: dict[tuple[str, int], list[tuple[str, int, int]]] = {}
        self._dist_cache: dict[
            tuple[str, int, float, float | None], tuple[np.ndarray, np.ndarray]
        ] = {}
        self._seg_cache: dict[
            tuple[object, ...], tuple[list[int], dict[int, str], list[_Cands]]
        ] = {}
        # The near-key search compares a token with every key until it has been asked this
        # often (then the deletion index pays for itself): stripped text asks a few times.
        self._deletions: DeletionIndex | None = None
        self._near_searches = 0

    def _set_presets(self) -> None:
        """The channel presets ``config.channel`` may name (they depend on the config)."""
        garbled = self._garbled = self._garbled_preset("eng")
        # A garbled document read by a model that keeps marks as Latin-1 letters: that
        # damage's own token table and tone prices (estimate_channel).
        self._garbled_latin1 = self._garbled_preset("latin1")
        # Vowels dropped by an engine that prints Latin-1 only: the font prices, that damage's
        # own token table (its learned tone prices measured 96.30 against 96.33%).
        self._font = replace(channel.FONT, tokens="font")
        self._font_latin1 = replace(channel.FONT, tokens="latin1")
        # ("font" is judged per document: _font_preset.)
        self._presets = {
            "garbled": garbled,
            "stripped": channel.STRIPPED,
            "clean": channel.CLEAN,
            "ocr": channel.OCR_VIE,
            # A page Tesseract's Vietnamese model read badly: the garbled prices, with that
            # model's token table (pipeline.stages.ocr_channel). Its letter case is judged
            # like a Latin model's: Tesseract vie too prints small letters as capitals on
            # degraded pages ("HỘI", "CỬ", "Cử" inside sentences); with the case kept as read
            # (until session 21) the development split's vie pages read 96.75%, now 97.04%.
            "ocr-heavy": replace(garbled, tokens="vie"),
        }

    def _reads_latin1(self, words: list[str]) -> bool:
        """Whether OCR printed letters Vietnamese never writes in ``words`` (lower case) often
        enough for the Latin-1 token table (channel.LATIN1_MIN_SHARE; latin1_tables)."""
        return (
            self.config.latin1_tables
            and channel.latin1_share(words) >= channel.LATIN1_MIN_SHARE
            and bool(self._tokens_of("latin1")[0])  # (the table file may be missing)
        )

    def _font_preset(self, latin1: bool, vowels_dropped: bool) -> channel.ChannelParams:
        """The font channel: with the Latin-1 token table where OCR printed letters Vietnamese
        never writes; else, where vowels were dropped on a scale no Latin model's damage
        reaches (an engine that could print Latin-1 only), with that damage's own table (see
        font_tables); else with the default table."""
        if latin1:
            return self._font_latin1
        if vowels_dropped and self.config.font_tables and self._tokens_of("font")[0]:
            return self._font
        return channel.FONT

    def _garbled_preset(self, engine: str) -> channel.ChannelParams:
        """The garbled channel with the token table of ``engine`` and, with ``learned_tones``,
        the tone prices learned from it."""
        p = replace(channel.GARBLED, tokens=engine)
        if self.config.learned_tones:
            p = replace(p, tone_table=channel.load_tone_table(channel.GARBLED, engine=engine))
        return p

    def with_config(self, config: RestoreConfig) -> Restorer:
        """A restorer with ``config`` that shares this one's loaded corpus, language model and
        tables (read-only after loading) and has caches of its own: a second configuration
        (another channel) costs no second copy of the corpus in memory."""
        other = copy.copy(self)
        other.config = config
        if config.unit_class_weight != self.config.unit_class_weight:
            other._base_lm = other._with_units(self._raw_lm, None)  # (arrays still shared)
        other._set_presets()
        other._reset_state()
        return other

    def _with_units(self, lm: TrigramLM, counts: dict[int, int] | None) -> TrigramLM:
        """``lm`` with the unit words as one class (:class:`UnitClass`), their shares the
        corpus's, or the document's ``counts`` (unit word id -> count) shrunk toward them."""
        w = self.config.unit_class_weight
        if w <= 0 or not len(self._unit_ids):
            return lm
        share = self._unit_prior
        if counts:
            a = self.config.unit_class_alpha
            c = np.array([counts.get(int(i), 0) for i in self._unit_ids], np.float64)
            share = (c + a * share) / (c.sum() + a)
        return lm.with_units(UnitClass(self._unit_ids, share, len(self.vocab), w))

    # ------------------------------------------------------------------ channel per document

    def estimate_channel(self, tokens: list[Token]) -> channel.ChannelParams:
        """Pick the channel prices from how the document's words look."""
        preset = self.config.channel
        words = [t.text.lower() for t in tokens if not t.protected and t.text.isalpha()]
        if preset == "font":
            # Font damage by the user's word: which table, by the letters it printed.
            return self._font_preset(self._reads_latin1(words), vowels_dropped=True)
        if preset:
            return self._presets[preset]
        if not words:
            return self._garbled
        # (A word of ASCII letters carries no mark and is its own key: most words of damaged
        # or stripped text, so those skip the mark stripping.)
        keys = [w if w.isascii() else strip_marks(w) for w in words]
        marked = [w for w, k in zip(words, keys, strict=True) if k != w]
        valid_key = sum(1 for k in keys if k in self.by_key) / len(words)
        r_mark = len(marked) / len(words)
        r_valid_marked = (
            sum(1 for w in marked if w in self.lexicon) / len(marked) if marked else 0.0
        )
        # Unmarked words that are no words ("hoach", "nhan dan" is fine) are marks OCR lost:
        # in correct text nearly all are words (the development plans: all but 3 in 9,042
        # words), so a short damaged line such as "Ké hoach sé 1360/KH-UBND ngay" is not
        # taken for correct text on the strength of "ké" and "sé" being words.
        unmarked = [w for w, k in zip(words, keys, strict=True) if k == w]
        r_valid_unmarked = (
            sum(1 for w in unmarked if w in self.lexicon) / len(unmarked) if unmarked else 1.0
        )
        if (
            r_mark >= 0.3
            and r_valid_marked >= 0.97
            and valid_key >= 0.97
            and r_valid_unmarked >= 0.8
        ):
            return channel.CLEAN
        # Words without any vowel ("huyn" is fine, "h", "thng", "rng" are not) betray a font
        # that dropped its marked vowels.
        no_vowel = sum(1 for k in keys if not any(c in "aeiouy" for c in k)) / len(words)
        latin1 = self._reads_latin1(words)
        if no_vowel >= 0.03:
            return self._font_preset(latin1, no_vowel >= channel.FONT_TABLE_MIN_SHARE)
        if r_mark < 0.02 and valid_key >= 0.95:
            return channel.STRIPPED
        return self._garbled_latin1 if latin1 else self._garbled

    # ------------------------------------------------------------------ candidates

    def _near(self, ob: str, maxd: int) -> list[tuple[str, int, int]]:
        """Keys within plain edit distance ``maxd`` of ``ob`` (the same for every channel)."""
        hit = self._near_cache.get((ob, maxd))
        if hit is None:
            if len(self._near_cache) > 200_000:
                self._near_cache.clear()
            self._near_searches += 1
            choices, rows = self.keys, None
            if self._near_searches >= _SEARCHES_BEFORE_INDEX:
                if self._deletions is None:
                    self._deletions = DeletionIndex(self.keys, 2)
                # Only the keys the index names, in their order: extract() breaks ties of
                # distance by position, so the list is the one a search over all keys gives.
                rows = self._deletions.candidates(ob, maxd)
                choices = [self.keys[i] for i in rows]
            hit = process.extract(
                ob, choices, scorer=Levenshtein.distance, score_cutoff=maxd, limit=400
            )
            if rows is not None:
                hit = [(k, d, rows[j]) for k, d, j in hit]
            self._near_cache[(ob, maxd)] = hit
        return hit

    def _printed_key(self, token: str, ob: str) -> str:
        """The key ``ob`` of ``token`` as the edit distances read it: with the token's capitals
        where ``capital_costs`` prices them apart."""
        if not self.config.capital_costs or token.islower() or token == ob:
            return ob
        return strip_marks(token)

    def _near_distances(
        self, ob: str, maxd: int, limit: float, vowel_drop: float | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The keys of :meth:`_near` other than ``ob`` itself, in its order (as indices of
        ``self.keys``), and their weighted edit distances from ``ob`` (``edit.distance(ob, key,
        limit, vowel_drop)``, for all of them at once): shared by the tokens that differ from
        ``ob`` in marks only. ``ob`` may keep its capitals (:meth:`_printed_key`); the search
        for near keys does not see them."""
        ck = (ob, maxd, limit, vowel_drop)
        hit = self._dist_cache.get(ck)
        if hit is None:
            if len(self._dist_cache) > 200_000:
                self._dist_cache.clear()
            low = ob.lower()
            near = self._near(low, maxd)
            rows = np.array([i for k, _d, i in near if k != low], np.intp)
            hit = rows, self._key_dist.distances(ob, rows, limit, vowel_drop)
            self._dist_cache[ck] = hit
        return hit

    def _near_prices(
        self, o: str, ob: str, maxd: int, p: channel.ChannelParams
    ) -> tuple[np.ndarray, np.ndarray]:
        """The words of the keys near ``ob`` (the first 12 of each key within
        ``max_edit_cost``, key by key), as positions in ``_near_words``, and their prices:
        edit cost times ``letter_scale`` plus mark cost (below 1e9, which stands for none).
        ``ob`` may keep the token's capitals (:meth:`_printed_key`)."""
        limit, scale = self.config.max_edit_cost, p.letter_scale
        rows, dist = self._near_distances(ob, maxd, limit / scale, p.vowel_drop)
        d = dist * scale
        kept = ~(d > limit)
        if not kept.any():
            return np.zeros(0, np.intp), np.zeros(0)
        n_words = self._near_count[rows[kept]]
        ids = _ranges(self._near_start[rows[kept]], n_words)
        c = np.repeat(d[kept], n_words) + self._near_marks.costs(o, ids, p)
        new = c < 1e9
        return ids[new], c[new]

    def candidates(self, token: str, p: channel.ChannelParams) -> _Cands:
        printed = token.lower()  # the token tables' spelling
        o = printed.translate(_ETH)  # "Ðoàn" is "Đoàn" (see _abbreviation)
        # Keyed by the token as printed: an unknown token's "keep" candidate is spelled like
        # it, so "HOACH" and "hoach" must not share an entry (the output would then depend on
        # which one the process met first).
        hit = self._cache.get((token, p))
        if hit is not None:
            return hit
        cfg = self.config
        ob = strip_marks(o)
        if p.keep_known and o in self.lexicon:
            res = _Cands([o], np.array([self.vid.get(o, UNK)], np.int64), np.zeros(1))
            self._cache[(token, p)] = res
            return res
        # The prices, in the order they are first set: the token and the words of its key
        # (``head``), the words of near keys (arrays over ``_near_words``; two keys share no
        # word, and none is in ``head``), then words only the token table names (``tail``).
        head: dict[str, float] = {}
        if o in self.lexicon:
            head[o] = 0.0
        same = self.by_key.get(ob, ())[:24]
        for w, c in zip(same, channel.mark_costs(o, same, p), strict=True):
            if c < head.get(w, 1e9):
                head[w] = c
        maxd = 1 if len(ob) <= 2 and p.vowel_drop is None else 2
        if p.letter_scale >= 2.0 and ob in self.by_key:
            maxd = 0  # base letters look reliable and this is a known key: marks only
        near, near_c = np.zeros(0, np.intp), np.zeros(0)
        if maxd:
            near, near_c = self._near_prices(o, self._printed_key(token, ob), maxd, p)
        tail: dict[str, float] = {}
        rows, totals = self._tokens_of(p.tokens)
        table = rows.get(printed, ())
        trusted = (
            cfg.token_table_trust > 0
            and p.letter_scale < 2.0  # the table describes OCR output, not stripped text
            and p.table_trusted
            and totals.get(printed, 0) >= cfg.token_table_trust
            and (not cfg.token_table_trust_marked or (has_marks(o) and o in self.lexicon))
        )
        # Where each of the table's words stands among the near words (-1: not there).
        at: dict[str, int] = {}
        for w, _prob in table:
            j = self._near_index.get(w)
            at[w] = -1
            if j is not None and w not in head:
                spot = np.flatnonzero(near == j)
                if len(spot):
                    at[w] = int(spot[0])
        if trusted:
            # OCR printed this token often enough in the synthetic pages for its table row to
            # be the channel: what it stood for there, and little else.
            listed = dict(table)
            rest = -math.log(max(1.0 - sum(listed.values()), cfg.token_table_residual))
            for w in head:
                if w not in listed:
                    head[w] += cfg.token_table_weight * rest
            others = np.ones(len(near), bool)
            others[[at[w] for w in listed if at[w] >= 0]] = False
            near_c[others] += cfg.token_table_weight * rest
        for w, c in self._table_prices(table, totals.get(printed, 0), p.tokens).items():
            if w in self.lexicon:
                if w in head:
                    if trusted or c < head[w]:
                        head[w] = c
                elif at[w] >= 0:
                    if trusted or c < near_c[at[w]]:
                        near_c[at[w]] = c
                elif trusted or c < tail.get(w, 1e9):
                    tail[w] = c
        vid, oov, uni_lp = self.vid, cfg.oov_cost, self._uni_lp
        puw = cfg.prune_unigram_weight
        ends = [(w, c if w in vid else c + oov) for w, c in (*head.items(), *tail.items())]
        n_keep = cfg.max_candidates if maxd == 0 else cfg.letter_candidates
        if maxd and o not in self.lexicon:
            n_keep = max(n_keep, cfg.unknown_candidates)
        beam = cfg.beam
        if maxd:
            beam = cfg.letter_beam + (cfg.unknown_extra_beam if o not in self.lexicon else 0.0)
        # Ranked by price less a little unigram log-probability; the first one past the beam
        # ends the beam (stable: ties keep the order the prices were set in).
        if not len(near):
            # (Marked or stripped text: a few words of one key, quicker in lists.)
            rank = [c - puw * uni_lp[w] for w, c in ends]
            order = sorted(range(len(ends)), key=rank.__getitem__)
            kept = [j for j in order if rank[j] <= rank[order[0]] + beam][:n_keep]
            words = [ends[j][0] for j in kept]
            costs = [ends[j][1] for j in kept]
        else:
            near_c = np.where(self._near_known[near], near_c, near_c + oov)
            n_head, n_near = len(head), len(near)
            price = np.concatenate(
                [[c for _w, c in ends[:n_head]], near_c, [c for _w, c in ends[n_head:]]]
            )
            uni = np.concatenate(
                [
                    [uni_lp[w] for w, _c in ends[:n_head]],
                    self._near_uni[near],
                    [uni_lp[w] for w, _c in ends[n_head:]],
                ]
            )
            rank_a = price - puw * uni
            by_rank = np.argsort(rank_a, kind="stable")
            within = int(np.searchsorted(rank_a[by_rank], rank_a[by_rank[0]] + beam, "right"))
            words = []
            for j in by_rank[: min(within, n_keep)].tolist():
                if j < n_head:
                    words.append(ends[j][0])
                elif j < n_head + n_near:
                    words.append(self._near_words[near[j - n_head]])
                else:
                    words.append(ends[j - n_near][0])
            costs = price[by_rank[: min(within, n_keep)]].tolist()
        if o not in self.lexicon:
            words.append(token.translate(_ETH))  # as it is: a name or a word we do not know
            costs.append(cfg.keep_unknown_cost * p.letter_scale)
        ids = np.array([self.vid.get(w, UNK) for w in words], np.int64)
        res = _Cands(words, ids, np.array(costs, np.float64))
        self._cache[(token, p)] = res
        return res

    def _with_case(self, token: Token, c: _Cands) -> _Cands:
        """Add the case channel: a word capitalized inside a sentence is more often a name or a
        term ("Nhân dân", "Dân vận") than its homographs, as counted in the corpus."""
        w = self.config.case_weight
        if w == 0 or token.boundary or len(c.words) == 1:
            return c
        pattern = case_pattern(token.text)
        if pattern == "title":
            extra = self._title_cost[c.ids]
        elif pattern == "lower":
            extra = self._lower_cost[c.ids]
        else:
            return c
        return _Cands(c.words, c.ids, c.cost + w * extra)

    @staticmethod
    def _caps_context(tokens: list[Token], i: int) -> bool:
        """Token i stands among capitals: a neighbour on its line is in capitals, or its line
        has at least half as many words in capitals as in small letters."""
        line = tokens[i].line
        lo, hi = i, i + 1
        while lo > 0 and tokens[lo - 1].line == line:
            lo -= 1
        while hi < len(tokens) and tokens[hi].line == line:
            hi += 1
        patterns = {j: case_pattern(tokens[j].text) for j in range(lo, hi) if j != i}
        for j in (i - 1, i + 1):
            if patterns.get(j) == "upper" and sum(ch.isalpha() for ch in tokens[j].text) > 1:
                return True
        upper = sum(p == "upper" for p in patterns.values())
        lower = sum(p == "lower" for p in patterns.values())
        return 2 * upper >= lower

    def _cap_prob(self, wid: int, prev: int, nxt: int, both: bool = False) -> float:
        """P(capitalized | word) inside a sentence: from the corpus's counts of the word after
        the word before it ("danh" + "sách": small), else before the word after it ("Công" +
        "an": capital), where the pair was seen, shrunk toward the word's own share by
        ``case_pair_prior`` counts; else the word's own share.

        With ``both``, where both pairs were seen, their evidence is combined (odds of one times
        odds of the other over the word's own odds): "BTT y ban MTTQ" (font damage dropped
        the "Ủ") is "Ủy" before "ban" (0.98), whatever the rare pair after "BTT" says (0.43)."""
        prior = float(self._p_cap[wid])
        a = self.config.case_pair_prior
        if a < 0:
            return prior
        n_vocab = len(self.vocab)
        sides = []
        for side, other in (("prev", prev), ("next", nxt)):
            if other < 3 or side not in self._case_pairs:
                continue
            keys, counts = self._case_pairs[side]
            key = wid * n_vocab + other
            j = int(np.searchsorted(keys, key))
            if j < len(keys) and keys[j] == key:
                cap, low = int(counts[j, 0]), int(counts[j, 1])
                sides.append((cap + a * prior) / (cap + low + a))
        if not sides:
            return prior
        if len(sides) == 1 or not both or not 0.0 < prior < 1.0:
            return sides[0]
        q1, q2 = (min(max(q, 1e-4), 1 - 1e-4) for q in sides)
        o = (q1 / (1 - q1)) * (q2 / (1 - q2)) * (1 - prior) / prior
        return o / (1 + o)

    def _case_votes(
        self, tokens: list[Token], words: list[str]
    ) -> dict[tuple[int, int], list[int]]:
        """How the document itself writes each pair of words inside a sentence: (id before,
        id) -> [small, capital] counts over the tokens whose first letter the reading kept
        (their case is as printed, no guess)."""
        votes: dict[tuple[int, int], list[int]] = {}
        for j in range(1, len(tokens)):
            t, w = tokens[j], words[j]
            if t.boundary or len(w) < 2 or not t.text[:1].isalpha():
                continue
            if strip_marks(t.text[0].lower()) != strip_marks(w[0].lower()):
                continue
            wid = self.vid.get(w.lower(), UNK)
            if wid < 3:
                continue
            key = (self.read_id(tokens[j - 1], words[j - 1]), wid)
            votes.setdefault(key, [0, 0])[1 if t.text[0].isupper() else 0] += 1
        return votes

    def _output_case(
        self,
        tokens: list[Token],
        i: int,
        w: str,
        prev: int = UNK,
        nxt: int = UNK,
        votes: dict[tuple[int, int], list[int]] | None = None,
        engine: str = "eng",
    ) -> str:
        """How to spell restored word ``w`` at token ``i``: 'lower', 'title' or 'upper'.

        The input's case, unless its context says OCR got the case wrong:
        - a small first letter that the repair replaced, inside a sentence: the likelier case
          of the word between the words around it (``_cap_prob``); first in a sentence,
          capitalized if the word is, before the word after it;
        - a single capital that the repair made a longer word, next to a syllable in capitals:
          in capitals;
        - a capitalized token that is no heading word (neither neighbour on its line is in
          capitals): OCR made capitals of damaged small letters ("HGi" for "Hội", "TO" for
          "Tổ"), so it is read as capitalized only;
        - a capitalized word inside a sentence (first on its line or not): small if
          P(small | word) * P(OCR capital | small, letter) beats
          P(capital | word) * P(OCR capital | capital, letter) - the corpus's case counts
          times the learned case confusion ("Va" -> "và": Tesseract prints "V" for "v").
        """
        t = tokens[i]
        pattern = case_pattern(t.text)
        wid = self.vid.get(w, UNK)
        if pattern == "lower":
            # A first letter OCR lost or misread ("\\ iet Nam", "va buat" for "và Luật") tells
            # nothing of its case: inside a sentence, the likelier case of the word there.
            # Development split 96.96 -> 96.99%.
            repaired = strip_marks(t.text[0].lower()) != strip_marks(w[0].lower())
            inside = not (t.boundary or i == 0 or wid < 3)
            # The first word of a list item, its first letter lost or misread ("- h và tên",
            # "- hét quá" for "- Họ và tên", "- Kết quả"): capitalized, as 99% of the corpus's
            # items are. Font damage 97.22 -> 97.26%, the rest unchanged.
            if repaired and t.item and wid >= 3 and len(w) > 1:
                return "title"
            # The document's own case of the pair, where it writes it twice or more and
            # mostly one way ("Huyện ủy" elsewhere: "Huyén ty" is "Huyện ủy", not the
            # corpus's coin toss between "Huyện ủy" and "Huyện Ủy").
            own = votes.get((prev, wid)) if votes and repaired and inside else None
            if own is not None and sum(own) >= 2 and max(own) * 3 >= sum(own) * 2:
                return "title" if own[1] > own[0] else pattern
            # Else the corpus's case, where it capitalizes clearly more often than not: a
            # letter misread in small print ("ty" for "ủy") leans small (0.5 until session
            # 24: "Huyện Ủy" at 0.54 after "huyện"; 0.6 and 0.7 alike on the development
            # split, font damage one word better, 0.8 worse). Both neighbours' pairs count
            # where the next word follows after a space (session 25: font damage 97.14 ->
            # 97.22%, the rest unchanged; not across a comma: "Đảng ty, Ban" is "Đảng ủy",
            # though "ủy ban" is capitalized; both for the case channel of capitalized words
            # below: other Latin models 97.89 -> 97.87%).
            if (
                repaired
                and inside
                and self._cap_prob(wid, prev, nxt, _next_adjacent(tokens, i)) > _CAP_REPAIRED_MIN
            ):
                return "title"
            # First in a sentence, it was capitalized as likely as not; a word the corpus
            # capitalizes inside sentences before the next word ("Ủy ban", "Điều") surely:
            # "- y ban bu c" (the "Ủ" an engine could not print) is "- Ủy ban bầu cử".
            # With the rule below: development split 97.30 -> 97.31%, font damage 96.34 ->
            # 96.42%, real text layers unchanged. (Not a one-letter word: "d.o" for "đạo" had
            # its "o" read "A" after the period; same figures. Nor a word glued to the period
            # before it: "cách m.ng" is no sentence end.)
            if (
                repaired
                and not inside
                and wid >= 3
                and len(w) > 1
                and _spaced_from_previous(tokens, i)
                and self._cap_prob(wid, UNK, nxt) > 0.5
            ):
                return "title"
            return pattern
        if pattern == "title" and len(t.text) == 1 and len(w) > 1 and _caps_word_next(tokens, i):
            # One capital left of a word next to words in capitals ("Y BAN" for "ỦY BAN"): a
            # heading word. (Not next to an abbreviation: "S GDĐT" is "Sở GDĐT".)
            return "upper"
        if pattern == "title" and len(w) > 1 and t.text.lower() != w and _heading_line(tokens, i):
            # A repaired word at the head of a line whose other words are all syllables in
            # capitals ("Kt HOACH" for "KẾ HOẠCH", "Thong BAO"): a heading word OCR lowered.
            return "upper"
        if pattern == "title" and len(w) > 1 and _between_caps_words(tokens, i):
            # A capital and small letters between two syllables in capitals ("PHO Bi THU'"
            # for "PHÓ BÍ THƯ"): OCR lowered the heading word's letters.
            return "upper"
        if pattern == "title" and w in _ROMAN_NUMERALS:
            return "upper"  # ("Ill." for "III.": a roman numeral in capitals, not "Iii")
        if pattern == "upper":
            if self._caps_context(tokens, i):
                return "upper"
            if wid < 3 or self._cased_share[wid] < 0.2:
                return "upper"  # an abbreviation, or a word we cannot tell
            pattern = "title"
        # First on its line but inside a sentence (no sentence end before it), a word is judged
        # like any other: a printed line break is no sentence break. Development split
        # 96.44 -> 96.46%, held-out synthetic 95.81 -> 95.83% (it used to keep its case).
        if t.boundary or i == 0 or wid < 3 or _under_heading(tokens, i):
            return pattern
        cc = self._case_conf.get(engine)
        if cc is None:
            cc = self._case_conf[engine] = channel.load_case_confusion(engine)
        x = strip_marks(t.text[0].lower())
        p_cap = self._cap_prob(wid, prev, nxt)
        small = (1.0 - p_cap) * cc.upper_if_lower.get(x, cc.default_if_lower)
        capital = p_cap * cc.upper_if_upper.get(x, cc.default_if_upper)
        return "lower" if small > capital else pattern

    def _neighbours(self, tokens: list[Token], words: list[str], i: int) -> tuple[int, int]:
        """Ids of the words read before and after token i in its sentence (<unk> if none)."""
        prev = (
            self.read_id(tokens[i - 1], words[i - 1]) if i > 0 and not tokens[i].boundary else UNK
        )
        nxt = UNK
        if i + 1 < len(tokens) and not tokens[i + 1].boundary:
            nxt = self.read_id(tokens[i + 1], words[i + 1])
        return prev, nxt

    def read_id(self, token: Token, word: str) -> int:
        """The language model's id for ``token`` read as ``word``: a number kept as printed is
        <num>, a symbol kept as printed its reading ("&" -> "và"), anything else the word's."""
        if word == token.text:
            if token.number:
                return NUM
            if word in _SYMBOL_READS:
                return self.vid.get(_SYMBOL_READS[word], UNK)
        return self.vid.get(word.lower(), UNK)

    def _fixed(self, token: Token) -> _Cands:
        wid = self.read_id(token, token.text)
        return _Cands([token.text], np.array([wid], np.int64), np.zeros(1))

    # ------------------------------------------------------------------ decoding

    def _prune(self, cands: list[_Cands], segments: list[tuple[int, int]]) -> list[_Cands]:
        """Fewer candidates for the trigram decoder: a bigram max-marginal pass.

        For each candidate, the score of the best path through it under the channel and the
        bigram model (forward and backward Viterbi over the segment); candidates more than
        ``prune_beam`` behind the best of their position are dropped, and at most
        ``prune_keep`` kept. The trigram decoder costs K³ per word; this pass costs K², so a
        long candidate list (heavy letter damage) can be searched without the K³ bill."""
        cfg = self.config
        keep, beam = cfg.prune_keep, cfg.prune_beam
        out = list(cands)
        todo = [(a, b) for a, b in segments if any(len(cands[i].ids) > keep for i in range(a, b))]
        if not todo:
            return out
        # Every bigram of adjacent candidates (and <s> before each segment), in batches.
        # A word that recurs has one candidate list per pass (_pass_candidates), so a pair of
        # neighbours that recurs ("cử tri") is one grid: looked up once (about half the pairs).
        pairs: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        grid_of: dict[int, tuple[int, int]] = {}  # position -> its grid's key
        bos = np.array([BOS], np.int64)
        for a, b in todo:
            for i in range(a, b):
                key = grid_of[i] = (id(cands[i - 1]) if i > a else 0, id(cands[i]))
                if key not in pairs:
                    pairs[key] = (cands[i - 1].ids if i > a else bos, cands[i].ids)
        grid_lp = self._grids(pairs)
        for a, b in todo:
            grids = [grid_lp[grid_of[i]] - cands[i].cost[None, :] for i in range(a, b)]
            fwd = [grids[0][0]]
            for g in grids[1:]:
                fwd.append((fwd[-1][:, None] + g).max(axis=0))
            bwd = [np.zeros(len(cands[b - 1].ids))]
            for g in reversed(grids[1:]):
                bwd.append((g + bwd[-1][None, :]).max(axis=1))
            bwd.reverse()
            for i in range(a, b):
                c = cands[i]
                if len(c.ids) <= keep:
                    continue
                m = fwd[i - a] + bwd[i - a]
                order = np.argsort(-m, kind="stable")[:keep]
                order = np.sort(order[m[order] >= m[order[0]] - beam])
                out[i] = _Cands([c.words[j] for j in order], c.ids[order], c.cost[order])
        return out

    def _grids(
        self, pairs: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]
    ) -> dict[tuple[int, int], np.ndarray]:
        """For each key's (left ids, right ids), the grid of weighted log P(right | left).

        Looked up in batches of about ``_BATCH_ROWS`` bigrams: a pass over a long damaged
        document asks for millions, and arrays of them all would cost more than the look-ups."""
        lw = self.config.lm_weight
        out: dict[tuple[int, int], np.ndarray] = {}
        batch: list[tuple[tuple[int, int], np.ndarray, np.ndarray]] = []
        rows = 0
        items = list(pairs.items())
        for n, (key, (left, right)) in enumerate(items, 1):
            batch.append((key, left, right))
            rows += len(left) * len(right)
            if rows < _BATCH_ROWS and n < len(items):
                continue
            lp = lw * self.lm.bigram_logprob(
                np.concatenate([np.repeat(x, len(y)) for _k, x, y in batch]),
                np.concatenate([np.tile(y, len(x)) for _k, x, y in batch]),
            )
            o = 0
            for k, x, y in batch:
                out[k] = lp[o : o + len(x) * len(y)].reshape(len(x), len(y))
                o += len(x) * len(y)
            batch, rows = [], 0
        return out

    def _decode(
        self, cands: list[_Cands], segments: list[tuple[int, int]], ends: set[int] | None = None
    ) -> list[int]:
        """Trigram Viterbi over each segment (returns the chosen candidate index per position).

        The independent units of all segments advance together, one position per step, on a
        lattice without padding (see :class:`_Lattice`); <s> precedes each unit. A segment
        whose end is in ``ends`` (default: all) ends a sentence: the end-of-sentence model
        scores its last two words (``end_weight``)."""
        path = [0] * len(cands)
        if ends is None:
            ends = {b for _, b in segments}
        units = [u for a, b in segments for u in _decode_units(cands, a, b)]
        # Units of similar length go together (a chunk takes as many steps as its longest
        # unit), and chunks bound the size of the lattice on long documents.
        units.sort(key=lambda u: u[1] - u[0])
        chunk: list[tuple[int, int]] = []
        size = 0
        for a, b in units:
            chunk.append((a, b))
            size += sum(len(cands[i].ids) ** 3 for i in range(a, b))  # transitions, at most
            if size >= _CHUNK_TRANSITIONS:
                self._decode_chunk(cands, chunk, path, ends)
                chunk, size = [], 0
        if chunk:
            self._decode_chunk(cands, chunk, path, ends)
        return path

    def _decode_chunk(
        self, cands: list[_Cands], units: list[tuple[int, int]], path: list[int], ends: set[int]
    ) -> None:
        """Decode ``units`` into ``path``; a unit that ends where a segment does (a position in
        ``ends``) ends a sentence, and its last states pay the end-of-sentence model."""
        pos_cands = [cands[i] for a, b in units for i in range(a, b)]
        widths = np.array([len(c.ids) for c in pos_cands], np.int64)
        lens = np.array([b - a for a, b in units], np.int64)
        lat = _Lattice(widths, lens)
        ids = np.concatenate([c.ids for c in pos_cands])
        cost = np.concatenate([c.cost for c in pos_cands])
        # The words of each state's pair, <s> before a unit (the virtual states are <s> <s>).
        first = np.zeros(lat.n_states, np.int64)
        second = np.zeros(lat.n_states, np.int64)
        prev = lat.state_prev_cand
        first[lat.n_units :] = np.where(prev >= 0, ids[np.maximum(prev, 0)], BOS)
        second[lat.n_units :] = ids[lat.state_cand]
        lp = self.lm.logprob_pairs(first, second, lat.trans_from, lat.trans_to)
        state_cost = np.zeros(lat.n_states)
        state_cost[lat.n_units :] = cost[lat.state_cand]
        lp *= self.config.lm_weight
        lp -= state_cost[lat.trans_to]
        score = _viterbi(lat, lp)
        at_end = np.array([b in ends for _, b in units], bool)
        if self.config.end_weight and at_end.any():
            # The last position's states (pairs of its word and the one before): only the walk
            # back from the best of them reads these scores.
            g = lat.offs[at_end] + lens[at_end] - 1
            n_last = lat.widths[g] * np.where(lens[at_end] > 1, lat.widths[np.maximum(g - 1, 0)], 1)
            last = _ranges(lat.pos_state[g], n_last)
            w = self.config.end_weight * self.config.lm_weight
            score[last] += w * self.lm.end_logprob(first[last], second[last])
        _backtrack(lat, lp, score, units, path)

    def _confidences(
        self,
        cands: list[_Cands],
        path: list[int],
        segments: list[tuple[int, int]],
        positions: list[int],
    ) -> dict[int, tuple[float, tuple[str, ...]]]:
        """P(chosen | neighbours fixed) at each position, and its best alternatives (one batch).

        ``segments``: the segments of the text, in order (the context stops at their ends)."""
        out: dict[int, tuple[float, tuple[str, ...]]] = {}
        todo = [i for i in positions if len(cands[i].words) > 1]
        for i in positions:
            if len(cands[i].words) == 1:
                out[i] = (1.0, ())
        if not todo:
            return out

        def chosen(k: int) -> int:
            return int(cands[k].ids[path[k]])

        probs = self._context_probs(
            cands, chosen, segments, todo, temperature=self.config.confidence_temperature
        )
        for i, prob in zip(todo, probs, strict=True):
            order = np.argsort(-prob)
            alts = tuple([cands[i].words[k] for k in order[:4] if k != path[i]][:3])
            out[i] = (float(prob[path[i]]), alts)
        return out

    def _context_probs(
        self,
        cands: list[_Cands],
        word: Callable[[int], int],
        segments: list[tuple[int, int]],
        positions: list[int],
        lm: TrigramLM | None = None,
        temperature: float = 1.0,
    ) -> list[np.ndarray]:
        """P(candidate | the words around it) at each of ``positions`` (one batch): the LM in
        context (the ids ``word(k)`` of the neighbours, within their segment) less the channel
        price, normalized over the position's candidates."""
        if not positions:
            return []  # (a text whose every word has one candidate: nothing to weigh)
        ctx = []
        starts = [a for a, _ in segments]
        for i in positions:
            a, b = segments[bisect_right(starts, i) - 1]
            ctx.append(_window(word, i, a, b))
        lens = np.array([len(cands[i].ids) for i in positions])
        ids = np.concatenate([cands[i].ids for i in positions])
        s = self._in_context(np.repeat(np.array(ctx), lens, axis=0), ids, lm)
        s -= np.concatenate([cands[i].cost for i in positions])
        out = []
        off = 0
        for m in lens.tolist():
            si = s[off : off + m]
            off += m
            prob = np.exp((si - si.max()) / temperature)
            out.append(prob / prob.sum())
        return out

    def _in_context(
        self, ctx: np.ndarray, ids: np.ndarray, lm: TrigramLM | None = None
    ) -> np.ndarray:
        """The weighted LM log-probability of word ``ids[j]`` in the context ``ctx[j]`` (see
        :func:`_window`): the sum of the three trigrams it is part of, in one batch."""
        c2, c1, n1, n2, has1, has2 = ctx.T
        has1, has2 = has1.astype(bool), has2.astype(bool)
        flat = (lm or self.lm).logprob(
            np.concatenate([c2, c1[has1], ids[has2]]),
            np.concatenate([c1, ids[has1], n1[has2]]),
            np.concatenate([ids, n1[has1], n2[has2]]),
        )
        n, n_has1 = len(ids), int(has1.sum())
        s = flat[:n].copy()
        s[has1] += flat[n : n + n_has1]
        s[has2] += flat[n + n_has1 :]
        return self.config.lm_weight * s

    def _place_names(
        self, tokens: list[Token], words: list[str], fixed: list[bool], cands: list[_Cands]
    ) -> dict[int, str]:
        """Positions -> spelling of a gazetteer place name matched by a capitalized run, and of
        the unit word before it where the gazetteer knows the name as one kind of unit only
        ("phuong Bac Cam Ranh": "phường", which the corpus's "phương" outnumbers)."""
        out: dict[int, str] = {}
        n = len(tokens)
        texts = [t.text for t in tokens]
        i = 0
        while i < n:
            done = False
            # Only right after a unit word ("xã", "phường", "thành phố"...): elsewhere a run of
            # capitals is more often a term ("Dân vận") than a place. A word read otherwise but
            # with a unit word's letters ("phương") only when the name makes it that unit.
            if i == 0 or strip_marks(words[i - 1].lower()) not in _UNIT_KEYS:
                i += 1
                continue
            unit_read = words[i - 1].lower() in _UNIT_WORDS
            for length in (4, 3, 2):
                j = i + length
                if j > n:
                    continue
                run = range(i, j)
                if any(fixed[k] or case_pattern(tokens[k].text) == "lower" for k in run):
                    continue
                if any(tokens[k].boundary for k in range(i + 1, j)):
                    continue
                if any(tokens[k].line != tokens[i].line for k in run):
                    continue
                name = None
                for source in (words, texts):
                    key = tuple(strip_marks(source[k].lower()) for k in run)
                    name = self.names.get(key)
                    if name is not None:
                        break
                if name is None or any(name[k - i] not in cands[k].words for k in run):
                    continue
                unit = self.name_unit.get(key)
                if (
                    unit is not None
                    and unit != words[i - 1].lower()
                    and strip_marks(unit) == strip_marks(words[i - 1].lower())
                    and not fixed[i - 1]
                    and unit in cands[i - 1].words
                ):
                    out[i - 1] = unit
                elif not unit_read:
                    continue
                for k in run:
                    out[k] = name[k - i]
                i = j
                done = True
                break
            if not done:
                i += 1
        return out

    def _abbreviation(self, token: Token) -> str | None:
        """The Đ spelling of an abbreviation OCR printed with D ("HDND" -> "HĐND", "QD" -> "QĐ").

        Abbreviations are protected from the decoder (they are no syllables), but Tesseract's
        Latin models print every Đ as D. The corpus decides: the Đ form must be seen at least
        ``abbreviation_ratio`` times as often as the form as printed ("DU" stays: "du" is common).
        An Ð is always Đ ("HÐND" -> "HĐND").
        """
        # Ð (Icelandic eth) is Latin-1's look-alike of Đ: an engine or font limited to Latin-1
        # prints it for Đ ("HÐND"), and no Vietnamese word is written with it. Tesseract vie
        # prints one Đ as both next to each other now and then ("GD&ĐÐT" on a real scan,
        # "QĐÐ"): one letter.
        text = _DOUBLED_D_RE.sub("Đ", token.text).translate(_ETH)
        eth = text if text != token.text else None
        if "D" not in text:
            return eth
        low = text.lower()
        best = self._d_spelling(low)
        if best is None and low not in self.lexicon:
            # A part the corpus never writes whole, ending in one it writes with Đ: a
            # department's own code ("SGDDT", "PGDDT": "GDĐT" 105 times, "GDDT" never).
            for k in range(1, len(low) - 3):
                tail = self._d_spelling(low[k:]) if "d" in low[k:] else None
                if tail is not None:
                    best = low[:k] + tail
                    break
        if best is None:
            return eth
        return best.upper()

    def _d_spelling(self, low: str) -> str | None:
        """``low`` (small letters) with the d's the corpus writes đ, where it writes that form
        ``abbreviation_ratio`` times as often as ``low`` itself; else None."""
        seen = self.lexicon.get(low, 0)
        best, best_n = None, 0
        for variant in _d_variants(low):
            n = self.lexicon.get(variant, 0)
            if n > best_n:
                best, best_n = variant, n
        if best is None or best_n < self.config.abbreviation_ratio * max(seen, 1):
            return None
        return best

    def _joined_abbreviation(self, tokens: list[Token], i: int) -> str | None:
        """The Đ spelling of token i, an abbreviation joined to the one beside it by one
        character ("GD&DT", "GD-DT"), as the corpus writes the two together ("GDĐT" 105
        times, "GDDT" never): "DT" alone says too little ("đt" 190, "dt" 43)."""
        t = tokens[i]
        if "D" not in t.text:
            return None
        for a, b in ((i - 1, i), (i, i + 1)):
            if a < 0 or b >= len(tokens):
                continue
            left, right = tokens[a], tokens[b]
            if left.line != right.line or left.col + len(left.text) + 1 != right.col:
                continue
            if not (left.text.isupper() and right.text.isupper()):
                continue
            best = self._d_spelling((left.text + right.text).lower())
            if best is None:
                continue
            start = 0 if a == i else len(left.text)
            mine = best[start : start + len(t.text)].upper()
            return mine if mine != t.text else None
        return None

    def _symbol_repair(self, text: str) -> str | None:
        """The symbol part a damaged one stands for (see RestoreConfig.symbol_min_length), or
        None: ``text`` is no such run, the corpus writes it, or no frequent one is one edit
        away (or two are, neither five times as frequent as the other)."""
        cfg = self.config
        if (
            not cfg.symbol_min_length
            or len(text) < cfg.symbol_min_length
            or text in self._symbols
            or not SYMBOL_SHAPE.fullmatch(text)
            or syllable_shaped(text)
            or text.lower() in self.lexicon
        ):
            return None
        keys = self._symbol_keys.get(cfg.symbol_min_count)
        if keys is None:
            keys = self._symbol_keys[cfg.symbol_min_count] = sorted(
                k for k, n in self._symbols.items() if n >= cfg.symbol_min_count
            )
        hits = process.extract(text, keys, scorer=Levenshtein.distance, score_cutoff=1, limit=3)
        if not hits:
            return None
        best = sorted((h[1], -self._symbols[h[0]], h[0]) for h in hits)
        if len(best) > 1 and best[1][0] == best[0][0] and -best[0][1] < -5 * best[1][1]:
            return None
        return best[0][2] if _symbol_misreading(text, best[0][2]) else None

    # ------------------------------------------------------------------ corpus spans

    def _formulas(self) -> Formulas:
        if self._formula_lines is None:
            self._formula_lines = Formulas(self._build / "lines.tsv")
        return self._formula_lines

    def _user_passages(self) -> Passages:
        if self._passages is None:
            self._passages = Passages(self._build / "passages.txt")
        return self._passages

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
        num_key, ktable = int(self.kmap[NUM]), self.ktable
        kid = np.array(
            [
                num_key if t.number else ktable.get(strip_marks(w.lower()), -2 - i)
                for i, (t, w) in enumerate(zip(tokens, words, strict=True))
            ],
            np.int64,
        )
        # A match may not run across a sentence boundary (except at its first token).
        stop = np.array([t.boundary for t in tokens], bool)
        # Windows may not cross a sentence boundary (the corpus index never does): no boundary
        # among tokens s+1 .. s+n-1 of the window that starts at s.
        inside = np.concatenate(([0], np.cumsum(stop)))
        starts_ok = inside[n : len(tokens) + 1] == inside[1 : len(tokens) - n + 2]
        lo, hi = idx.find_ranges(kid, max_hits=16)
        out: dict[int, str] = {}
        after = 0  # the next match starts after the last one found
        for i in np.flatnonzero(starts_ok & (hi > lo)).tolist():
            if i < after:
                continue
            hits = idx.pos[lo[i] : hi[i]]
            lengths = self._extend_all(idx, tokens, kid, i, hits, cands, stop)
            best_len = int(lengths.max())
            if best_len < need:
                continue
            # The longest matches may spell the words differently (marks are not part of the
            # match): the spelling most of them share, the first one on a tie. Held-out
            # synthetic 95.72 -> 95.79%, stripped 99.25 -> 99.36% (the first match before).
            longest = hits[lengths == best_len]
            best_p = int(longest[0])
            if len(longest) > 1:
                spelled = idx.tokens[longest[:, None] + np.arange(best_len)]
                if not (spelled == spelled[0]).all():  # (almost always they agree)
                    rows = [tuple(row) for row in spelled.tolist()]
                    shared = [rows.count(row) for row in rows]
                    best_p = int(longest[shared.index(max(shared))])
            corpus_ids = idx.tokens[best_p : best_p + best_len].tolist()
            # A passage proves the spelling of the words inside it; a word at its edge also
            # depends on the word beyond, which the passage does not share ("ứng cử quy định
            # tại" matched "căn cứ quy định tại" from its second word on). An edge word is
            # taken only where the match is anchored there: a sentence starts or ends, or the
            # previous match ends. Development split 96.32 -> 96.44%.
            first, last, end = 0, best_len, i + best_len
            if not (i == 0 or stop[i] or after == i):
                first = 1
            if not (end == len(tokens) or stop[end]):
                last = best_len - 1
            for k in range(first, last):
                if not fixed[i + k] and not tokens[i + k].protected:
                    out[i + k] = self.vocab[corpus_ids[k]]
            after = i + best_len
        return out

    def _extend_all(
        self,
        idx: SpanIndex,
        tokens: list[Token],
        kid: np.ndarray,
        i: int,
        hits: np.ndarray,
        cands: list[_Cands],
        stop: np.ndarray,
    ) -> np.ndarray:
        """:meth:`_extend` for every corpus position in ``hits`` at once.

        The first window of all hits is compared in one go; only the matches that go on beyond
        it (a damaged word accepted, or a match longer than the window) continue one by one."""
        m = min(_SPAN_WINDOW, len(kid) - i)
        if int(hits.max()) + m > len(idx.tokens):  # near the end of the corpus: one by one
            return np.array([self._extend(idx, tokens, kid, i, int(p), cands, stop) for p in hits])
        ctok = idx.tokens[hits[:, None] + np.arange(m)]
        # ok[r, j]: corpus word j of hit r matches the text; a last column of False stops the
        # match at the window's end. <s> and <unk> never match (real_key is -1 for them).
        ok = np.zeros((len(hits), m + 1), bool)
        np.equal(self._real_key()[ctok], kid[i : i + m], out=ok[:, :m])
        ok[:, 1:m] &= ~stop[i + 1 : i + m]
        lengths = ok.argmin(axis=1)
        for r, j in enumerate(lengths.tolist()):
            if j == m:
                if m == _SPAN_WINDOW:  # the whole window matched: go on with the next one
                    lengths[r] = self._extend(idx, tokens, kid, i, int(hits[r]), cands, stop, j)
            # A damaged word needs the next one to match again (ok, unless a boundary is there).
            elif (
                j + 1 < m
                and (ok[r, j + 1] or stop[i + j + 1])
                and self._damaged_ok(
                    tokens, kid, cands, stop, i + j, int(ctok[r, j]), int(self.kmap[ctok[r, j + 1]])
                )
            ):
                lengths[r] = self._extend(idx, tokens, kid, i, int(hits[r]), cands, stop, j + 1)
        return lengths

    def _real_key(self) -> np.ndarray:
        """The key id of each vocabulary entry, -1 for <s> and <unk> (no text key is -1)."""
        if self._real_keys is None:
            self._real_keys = self.kmap.copy()
            self._real_keys[:2] = -1
        return self._real_keys

    def _extend(
        self,
        idx: SpanIndex,
        tokens: list[Token],
        kid: np.ndarray,
        i: int,
        p: int,
        cands: list[_Cands],
        stop: np.ndarray,
        length: int = 0,
    ) -> int:
        """Length of the match of the text from token i with the corpus from position p (the
        first ``length`` tokens known to match).

        Keys must be equal, except that one token in a row may differ when the corpus word is
        among its candidates (a word damaged beyond what the decoder got right)."""
        window = _SPAN_WINDOW
        while True:
            ctok = idx.tokens[p + length : p + length + window]
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
            if j + 1 >= m or not self._damaged_ok(
                tokens, kid, cands, stop, i + length, int(ctok[j]), int(ck[j + 1])
            ):
                return length
            length += 1  # accept the damaged word; the next one matches again

    def _damaged_ok(
        self,
        tokens: list[Token],
        kid: np.ndarray,
        cands: list[_Cands],
        stop: np.ndarray,
        k: int,
        corpus_id: int,
        next_key: int,
    ) -> bool:
        """Whether a match may go on over text token k, whose key differs from that of corpus
        word ``corpus_id``, when the next corpus word (key ``next_key``) matches again."""
        word = self.vocab[corpus_id]
        return not (
            corpus_id <= 1
            or stop[k]
            or word not in cands[k].words
            or k + 1 >= len(kid)
            or next_key != kid[k + 1]
            or fuzz.ratio(strip_marks(tokens[k].text.lower()), strip_marks(word)) < 50
        )

    # ------------------------------------------------------------------ public

    def _pass(
        self,
        tokens: list[Token],
        previous: list[str],
        p: channel.ChannelParams | None = None,
        frozen: frozenset[int] = frozenset(),
    ) -> tuple[list[str], dict[int, _Why]]:
        """One decoding pass: the new spelling of every token, and (source, confidence,
        alternatives) of each one that differs from ``previous`` (the last pass's spelling).

        ``p`` = the channel to use; None = estimated from ``tokens``. Tokens at the positions in
        ``frozen`` are kept as they are (a previous pass chose them with high confidence)."""
        if not tokens:
            return [], {}
        if p is None:
            p = self.estimate_channel(tokens)
        numbers = self._number_word_candidates(tokens, p)
        numbers.update(self._abbreviation_word_candidates(tokens, p))
        fixed = [t.protected and i not in numbers for i, t in enumerate(tokens)]
        for i in frozen:
            fixed[i] = True
        if p.keep_known:
            # Correctly marked text has no digits for letters: a word with a digit is as its
            # writer wrote it ("5G", "m2", "F0"; "mạng 5G" had become "mạng Sg", "m2" "m²").
            for i, t in enumerate(tokens):
                if not fixed[i] and any(c.isdigit() for c in t.text):
                    fixed[i] = True
        # Damaged symbol parts, repaired as a whole and kept from the decoder.
        symbols: dict[int, str] = {}
        if p.ocr_damage and self._symbols:
            for i, t in enumerate(tokens):
                if not t.number and i not in numbers:
                    fix = self._symbol_repair(t.text)
                    # Outside a symbol, the repair must stay one token ("UBTVQH15" alone is
                    # "UBTVQH" and "15": the passes align on the input's tokens).
                    if fix is not None and (t.protected or len(tokenize(fix)) == 1):
                        symbols[i] = fix
                        fixed[i] = True
        cands = self._pass_candidates(tokens, fixed, p, numbers)
        segments = []
        start = 0
        for i in range(1, len(tokens) + 1):
            if i == len(tokens) or tokens[i].boundary:
                segments.append((start, i))
                start = i
        doc, cfg = self._doc, self.config
        if doc.later and p.ocr_damage and (cfg.type_min_count or cfg.key_cache_weight):
            if doc.prior is None:
                # (Both from the channel's prices alone: the key's moves are not voted on
                # with the repeated tokens' lowered prices.)
                doc.prior = self._type_prior(tokens, fixed, cands, segments)
                if cfg.key_cache_weight:
                    doc.key_shift = self._key_shift(tokens, previous, fixed, cands, segments)
                doc.fingerprint = hash(
                    (
                        doc.fingerprint,
                        tuple(sorted(doc.prior.items())),
                        tuple(sorted(doc.key_shift.items())),
                    )
                )
            cands = self._with_prior(cands, fixed)
            if doc.key_shift:
                cands = self._with_key_shift(cands, fixed)
        # A segment decoded before with the same words and channel decodes the same way (and
        # matches the same corpus passages: matches never cross a segment boundary), so the
        # pass that confirms a fixed point, and repeated headers, cost (almost) nothing.
        texts = [t.text for t in tokens]
        # (No token contains "\x1f": the joined words stand for the words.)
        cache = (
            self.lm.cache.fingerprint if self.lm.cache is not None else None,
            self.lm.units.fingerprint if self.lm.units is not None else None,
            self._doc.fingerprint,
        )
        # A segment ends a sentence where the punctuation after it stands apart ("quý. Các"),
        # not where it is glued inside a word OCR broke ("nh.a"): there the end-of-sentence
        # model has its say (a segment's key says which).
        n = len(tokens)
        closed = [b == n or _spaced_from_previous(tokens, b) for _, b in segments]
        keys = [
            (p, "\x1f".join(texts[a:b]), bytes(fixed[a:b]), cache, end)
            for (a, b), end in zip(segments, closed, strict=True)
        ]
        if len(self._seg_cache) > self.seg_cache_limit:
            # Bounded over a long batch; cleared before this pass reads from it, never between.
            self._seg_cache.clear()
        todo = [k for k, key in enumerate(keys) if key not in self._seg_cache]
        if self.config.prune_keep:
            cands = self._prune(cands, [segments[k] for k in todo])
        ends = {segments[k][1] for k in todo if closed[k]}
        sub = self._decode(cands, [segments[k] for k in todo], ends)
        pos = [i for k in todo for i in range(*segments[k])]
        spans: dict[int, str] = {}
        # A corpus passage can only pick among a word's candidates: skip words that have one.
        if self.config.use_corpus_spans and any(len(cands[i].ids) > 1 for i in pos):
            found = self._corpus_spans(
                [tokens[i] for i in pos],
                [cands[i].words[sub[i]] for i in pos],
                [fixed[i] for i in pos],
                [cands[i] for i in pos],
            )
            spans = {pos[j]: w for j, w in found.items()}
        for k in todo:
            a, b = segments[k]
            rel = {i - a: spans[i] for i in range(a, b) if i in spans}
            # The path indexes the candidates as decoded (pruned): they are kept with it.
            self._seg_cache[keys[k]] = (sub[a:b], rel, cands[a:b])
        path = [0] * len(tokens)
        corpus: dict[int, str] = {}
        for (a, b), key in zip(segments, keys, strict=True):
            seg_path, rel, seg_cands = self._seg_cache[key]
            path[a:b] = seg_path
            cands[a:b] = seg_cands
            for j, w in rel.items():
                corpus[a + j] = w
        words = [cands[i].words[path[i]] for i in range(len(tokens))]
        self._last_lattice = (cands, segments)
        names = self._place_names(tokens, words, fixed, cands) if self.names else {}
        # Letter case is OCR evidence only where OCR damage is: correctly marked and stripped
        # text keep the case they have.
        ocr_case = self.config.case_output and p.ocr_damage
        out, why, need_conf = self._pass_output(
            tokens, previous, fixed, cands, path, words, corpus, names, ocr_case, symbols, p
        )
        confs = self._confidences(cands, path, segments, need_conf)
        for i, (conf, alts) in confs.items():
            if i in why:
                why[i] = (Source.LM, conf, alts)
        for i in self._unknown_capitals(tokens, p):
            unsure = why.get(i)
            if unsure is not None and unsure[1] < self.config.flag_threshold:
                out[i] = tokens[i].text  # (an unsure guess at an abbreviation: kept)
                del why[i]
        return out, why

    def _type_prior(
        self,
        tokens: list[Token],
        fixed: list[bool],
        cands: list[_Cands],
        segments: list[tuple[int, int]],
    ) -> dict[str, tuple[str, float]]:
        """For each input token that the document repeats (``type_min_count`` times or more):
        the reading that explains all its occurrences best, and the lower price it gets.

        A document's damage is systematic: one font, one scanner, one OCR engine turn a word
        into the same garbage wherever it occurs ("Dan 4n khéo", "Ban Dan 4n" for "Dân vận").
        An unusual confusion is then a fact about the document, to pay for once, not at each
        occurrence. Each reading is scored in every occurrence's context as read by the last
        pass (the corpus LM's three trigrams), the sum less its channel price paid once; the
        best one's price at each occurrence becomes its price divided by the number of
        occurrences, but at most ``type_max_discount`` lower: summed over dozens of contexts,
        the LM alone could otherwise put any frequent word in place of a repeated token. The
        decoder still chooses at each occurrence: the context can overrule the prior."""
        cfg = self.config
        if not cfg.type_min_count:
            return {}
        groups: dict[str, list[int]] = {}
        for i, key in enumerate(self._doc.types):
            # (A number that may be a word is read in its own context: "6" is "ở" or six.)
            if fixed[i] or tokens[i].protected or len(cands[i].ids) < 2:
                continue
            groups.setdefault(key, []).append(i)
        groups = {k: v for k, v in groups.items() if len(v) >= cfg.type_min_count}
        if not groups:
            return {}
        read = [self.read_id(t, t.text) for t in tokens]
        start, end = [0] * len(tokens), [0] * len(tokens)
        for a, b in segments:
            start[a:b] = [a] * (b - a)
            end[a:b] = [b] * (b - a)
        prior: dict[str, tuple[str, float]] = {}
        batch: list[tuple[str, list[str], list[float], int, np.ndarray, np.ndarray]] = []
        rows = 0
        for key, pos in groups.items():
            words: dict[str, float] = {}  # each known reading, at its lowest price
            wid: dict[str, int] = {}
            for c in {id(cands[i]): cands[i] for i in pos}.values():
                for w, k, cost in zip(c.words, c.ids.tolist(), c.cost.tolist(), strict=True):
                    if k > UNK and cost < words.get(w, math.inf):
                        words[w], wid[w] = cost, k
            if len(words) < 2:
                continue
            ws = list(words)
            # A word the document repeats hundreds of times: an even sample of its contexts
            # (their sum scaled up) bounds the work and the memory.
            used = pos[:: -(-len(pos) // _TYPE_CONTEXTS)]
            ctx = np.array([_window(read.__getitem__, i, start[i], end[i]) for i in used], np.int64)
            row = np.array([wid[w] for w in ws], np.int64)
            batch.append((key, ws, [words[w] for w in ws], len(pos), ctx, row))
            rows += len(used) * len(ws)
            if rows >= _BATCH_ROWS:
                self._decide_types(batch, prior)
                batch, rows = [], 0
        self._decide_types(batch, prior)
        return prior

    def _key_shift(
        self,
        tokens: list[Token],
        words: list[str],
        fixed: list[bool],
        cands: list[_Cands],
        segments: list[tuple[int, int]],
    ) -> dict[str, float]:
        """How much each reading's price moves by the document's own use of its key.

        A plan about voters says "cử tri" forty times; OCR prints "cử" as "cu", "cv", "ctr",
        "cur", each a different token (so :meth:`_type_prior` cannot pool them), and "cư" is
        the likelier reading of "cu" in the corpus. Here every occurrence votes with the
        probability of each candidate in its context as the first reading read it (corpus LM,
        channel prices: the soft counts of a unigram cache over accent-free keys), and a word's
        price moves by -key_cache_weight * log(P_doc(w | key) / P_corpus(w | key)), with
        P_doc(w | key) = (votes(w) + alpha P_corpus(w | key)) / (votes(key) + alpha) and
        P_corpus from the corpus's unigram counts. Only keys with key_cache_min_mass votes
        or more, and two readings or more, move; the decoder still chooses in context."""
        cfg = self.config
        todo = [i for i in range(len(tokens)) if not fixed[i] and len(cands[i].ids) > 1]
        if not todo:
            return {}
        read = [self.read_id(t, w) for t, w in zip(tokens, words, strict=True)]
        cands, probs = self._vote_probs(cands, read, segments, todo)
        votes: dict[str, float] = {}
        for i, prob in zip(todo, probs, strict=True):
            c = cands[i]
            for w, wid, pr in zip(c.words, c.ids.tolist(), prob.tolist(), strict=True):
                if wid > UNK and pr > _VOTE_MIN:  # (known words; a trace of a vote is none)
                    votes[w] = votes.get(w, 0.0) + pr
        by_key: dict[str, dict[str, float]] = {}
        for w, v in votes.items():
            by_key.setdefault(strip_marks(w), {})[w] = v
        shift: dict[str, float] = {}
        alpha = cfg.key_cache_alpha
        for ws in by_key.values():
            total = sum(ws.values())
            if total < cfg.key_cache_min_mass or len(ws) < 2:
                continue
            # P_corpus(w | key) among the readings the document voted for.
            corp = {w: math.exp(self._uni_lp[w]) for w in ws}
            z = sum(corp.values())
            for w, v in ws.items():
                pc = corp[w] / z
                pd = (v + alpha * pc) / (total + alpha)
                shift[w] = -cfg.key_cache_weight * math.log(pd / pc)
        return shift

    def _with_key_shift(self, cands: list[_Cands], fixed: list[bool]) -> list[_Cands]:
        """``cands`` with the document's price moves (:meth:`_key_shift`); a shared list
        stays shared."""
        shift = self._doc.key_shift
        done: dict[int, _Cands] = {}
        out = list(cands)
        for i, c in enumerate(cands):
            if fixed[i] or len(c.ids) < 2:
                continue
            new = done.get(id(c))
            if new is None:
                extra = np.array([shift.get(w, 0.0) for w in c.words])
                new = _Cands(c.words, c.ids, c.cost + extra) if extra.any() else c
                done[id(c)] = new
            out[i] = new
        return out

    def _decide_types(
        self,
        batch: list[tuple[str, list[str], list[float], int, np.ndarray, np.ndarray]],
        prior: dict[str, tuple[str, float]],
    ) -> None:
        """The reading and price of each token of ``batch`` (key, readings, their channel
        prices, occurrences, the contexts scored, the readings' ids), into ``prior``."""
        if not batch:
            return
        ctx = np.concatenate([np.repeat(c, len(ws), axis=0) for _k, ws, _p, _n, c, _r in batch])
        ids = np.concatenate([np.tile(r, len(c)) for _k, _ws, _p, _n, c, r in batch])
        # The corpus's model: the document cache holds the first reading, the one to check.
        scores = self._in_context(ctx, ids, self._base_lm)
        cap = self.config.type_max_discount
        off = 0
        for key, ws, costs, n, c, _r in batch:
            m, k = len(ws), len(c)
            lm = scores[off : off + k * m].reshape(k, m).sum(axis=0) * (n / k)
            off += k * m
            best = int(np.argmax(lm - np.array(costs)))
            prior[key] = (ws[best], max(costs[best] / n, costs[best] - cap))

    def _with_prior(self, cands: list[_Cands], fixed: list[bool]) -> list[_Cands]:
        """``cands`` with each repeated input token's prior reading at its lowered price (see
        :meth:`_type_prior`); a shared list stays shared."""
        prior, types = self._doc.prior or {}, self._doc.types
        done: dict[tuple[int, str], _Cands] = {}
        out = list(cands)
        for i, c in enumerate(cands):
            hit = None if fixed[i] else prior.get(types[i])
            if hit is None:
                continue
            new = done.get((id(c), types[i]))
            if new is None:
                w, price = hit
                if w in c.words:
                    j = c.words.index(w)
                    new = c
                    if price < c.cost[j]:
                        cost = c.cost.copy()
                        cost[j] = price
                        new = _Cands(c.words, c.ids, cost)
                else:
                    new = self._extended(c, [w], [price])
                done[(id(c), types[i])] = new
            out[i] = new
        return out

    def _pass_output(
        self,
        tokens: list[Token],
        previous: list[str],
        fixed: list[bool],
        cands: list[_Cands],
        path: list[int],
        words: list[str],
        corpus: dict[int, str],
        names: dict[int, str],
        ocr_case: bool,
        symbols: dict[int, str],
        p: channel.ChannelParams,
    ) -> tuple[list[str], dict[int, _Why], list[int]]:
        """The new spelling of every token: the decoder's choice unless a corpus passage or a
        place name overrides it; (source, confidence, alternatives) of those that differ from
        ``previous`` (confidence 1.0 until computed); and the positions that the decoder
        changed, whose confidence is to compute. ``symbols``: the repairs of damaged symbol
        parts (position -> spelling; see :meth:`_symbol_repair`). In correctly marked text
        (``p.keep_known``) an abbreviation keeps its D (it would have been written Đ: "Hội
        ND", the farmers' union, had become "NĐ"), and a word read with its own letters and
        marks keeps its own case without the case channel, or where it is no syllable ("ThS."
        had become "THS.")."""
        lm, from_corpus, lexicon = Source.LM, Source.CORPUS, Source.LEXICON
        trust = self.config.span_trust
        out: list[str] = []
        why: dict[int, _Why] = {}
        # The same explanation recurs for a word (and it is kept to the end): share it.
        shared: dict[tuple[str, str, Source], _Why] = {}
        votes: dict[tuple[int, int], list[int]] | None = None  # (see _case_votes)
        need_conf = []
        for i, t in enumerate(tokens):
            if fixed[i]:
                abbreviated = (t.abbreviation or t.symbol_part) and not p.keep_known
                abbr = self._abbreviation(t) if abbreviated else None
                if abbreviated and abbr is None:
                    abbr = self._joined_abbreviation(tokens, i)
                abbr = symbols.get(i, abbr)
                after = abbr or t.text
                if after != previous[i]:
                    # (A symbol repaired by its nearest neighbour is less sure than a Đ.)
                    sure = 0.8 if i in symbols else 0.95
                    why[i] = (lexicon, sure, (t.text,)) if abbr else _LM_SURE
                out.append(after)
                continue
            w = words[i]
            cw = corpus.get(i)
            nw = names.get(i)
            source = lm
            if cw is not None and cw != w and cw in cands[i].words:
                c = cands[i]
                extra = c.cost[c.words.index(cw)] - c.cost[path[i]]
                if extra < trust:
                    w = cw
                    source = from_corpus
            elif cw is not None and cw == w:
                source = from_corpus
            if nw is not None and nw != w:
                c = cands[i]
                if c.cost[c.words.index(nw)] - c.cost[path[i]] < trust:
                    w = nw
                    source = lexicon
            if w == t.text or (
                w == t.text.lower() and (not ocr_case or not syllable_shaped(t.text))
            ):
                after = t.text  # (its own letters and marks: "ThS", "Tp" keep their case)
            elif ocr_case:
                if votes is None:
                    votes = self._case_votes(tokens, words)
                after = apply_case(
                    w,
                    self._output_case(
                        tokens, i, w, *self._neighbours(tokens, words, i), votes, p.tokens
                    ),
                )
            else:
                after = apply_case(w, case_pattern(t.text))
            out.append(after)
            if source is lm and after != t.text:
                need_conf.append(i)
            if after != previous[i]:
                if source is lm:
                    why[i] = _LM_SURE
                    continue
                key = (t.text, w, source)
                hit = shared.get(key)
                if hit is None:
                    alts = tuple(a for a in cands[i].words[:3] if a != w)
                    hit = shared[key] = (source, 0.99 if source is from_corpus else 0.95, alts)
                why[i] = hit
        return out, why, need_conf

    def _number_word_candidates(
        self, tokens: list[Token], p: channel.ChannelParams
    ) -> dict[int, _Cands]:
        """Positions of numbers (and "&") that OCR may have printed for a word, with readings.

        Only in OCR-damaged text, and only a token of ``data/number_words.tsv`` standing
        between two words on its line, as it was counted there ("dân chủ 6 cơ sở": "ở";
        "Điều 6", "6/2015" and "6 tháng" at a line start stay out), or after a word and before
        a number ("Nghị quyết 56 101/2025/...": "số"; ``number_words_before_numbers``). The
        token itself is one of the readings, at its price: the language model decides ("trong
        6 tháng" keeps it; a kept "&" reads as "và")."""
        if not (p.ocr_damage and self._number_words):
            return {}
        out = {}
        for i in range(1, len(tokens) - 1):
            t = tokens[i]
            c = self._number_words.get(t.text) if t.protected and not t.abbreviation else None
            if c is None:
                continue
            before, after = tokens[i - 1], tokens[i + 1]
            if before.line != t.line or before.protected or after.line != t.line:
                continue  # (a number and a symbol's parts are protected)
            if not after.protected or (
                self.config.number_words_before_numbers and after.text[:1].isdigit()
            ):
                out[i] = c
        return out

    def _abbreviation_word_candidates(
        self, tokens: list[Token], p: channel.ChannelParams
    ) -> dict[int, _Cands]:
        """Positions of tokens shaped like abbreviations (capitals, no vowel: protected) that
        OCR printed for words, with their candidates: on the training pages "BG" stood for
        "Bộ" 88 times and never for itself (:meth:`_abbreviation_words`); the keep candidate
        stays, and the language model decides. Only in OCR-damaged text."""
        if not (p.ocr_damage and self.config.abbreviation_words):
            return {}
        words = self._abbreviation_words(p.tokens)
        return {
            i: self._with_case(t, self.candidates(t.text, p))
            for i, t in enumerate(tokens)
            if t.abbreviation and t.text in words
        }

    def _unknown_capitals(self, tokens: list[Token], p: channel.ChannelParams) -> list[int]:
        """Positions of words in capitals that may be an abbreviation with a vowel ("SYT" for
        Sở Y tế, "UBKT"): three letters or more, no syllable of the inventory under any marks,
        never printed by the channel's engine on its training pages (where damaged capitals,
        "TUQNG" for "TƯỢNG", do occur), beside a word in small letters (a heading in capitals
        is where damaged capitals stand). A pass keeps such a word as printed unless its
        reading is sure (flag_threshold): the decoder put "sự" and "ST" (confidence 0.14-0.21)
        for a dispatch's "SYT" (the Department of Health), while its sure repairs of damaged
        abbreviations ("METQ" -> "MTTQ", "NVI" -> "XVI", 0.96-0.99) stand; on the development
        split, every reading it undoes was wrong ("LOO" -> "Lao", "MQUOI" -> "QUOI")."""
        out = []
        totals = None
        for i, t in enumerate(tokens):
            w = t.text
            if t.protected or len(w) < 3 or not (w.isupper() and w.isalpha()):
                continue
            near = [
                tokens[k].text
                for k in (i - 1, i + 1)
                if 0 <= k < len(tokens) and tokens[k].line == t.line
            ]
            if not any(any(c.islower() for c in x) for x in near):
                continue
            if strip_marks(w).lower() in self.by_key:
                continue
            if totals is None:
                totals = self._tokens_of(p.tokens)[1]
            if w not in totals:
                out.append(i)
        return out

    def _abbreviation_words(self, engine: str) -> frozenset[str]:
        """The abbreviation-shaped tokens the engine's token table saw at least
        ``abbreviation_word_min`` times, never as themselves, most often for a syllable (a
        word with a vowel: "BD" for "Đ" stays an abbreviation)."""
        key = (engine, self.config.abbreviation_word_min)  # (configs share the dict)
        hit = self._abbr_words.get(key)
        if hit is None:
            found = set()
            for o, rows in channel.token_rows_by_ocr(engine).items():
                if not is_abbreviation(o) or any(c == o for c, _ in rows):
                    continue
                total = sum(n for _, n in rows)
                top = max(rows, key=lambda r: r[1])[0]
                if total >= self.config.abbreviation_word_min and any(
                    ch in "aeiouy" for ch in strip_marks(top).lower()
                ):
                    found.add(o)
            hit = self._abbr_words[key] = frozenset(found)
        return hit

    def _pass_candidates(
        self,
        tokens: list[Token],
        fixed: list[bool],
        p: channel.ChannelParams,
        numbers: dict[int, _Cands] | None = None,
    ) -> list[_Cands]:
        """The candidates of every token; a word that recurs is looked up once. ``numbers``:
        the candidates of numbers that may stand for words (:meth:`_number_word_candidates`)."""
        # By text, one table for each of fixed or not, and sentence boundary before it or not
        # (the case channel looks at the boundary); the text decides number or not.
        seen: tuple[dict[str, _Cands], ...] = ({}, {}, {}, {})
        # The lists less their lone consonants, by the list's identity: a repeated list stays
        # one object, so the decoder's grids (keyed by identity) are built once for it.
        inside: dict[int, _Cands] = {}
        out = []
        later = self._doc.later and p.ocr_damage
        numbers = numbers or {}
        for i, (t, f) in enumerate(zip(tokens, fixed, strict=True)):
            if i in numbers and not f:
                out.append(numbers[i])
                continue
            table = seen[2 * f + t.boundary]
            c = table.get(t.text)
            if c is None:
                c = self._fixed(t) if f else self._with_case(t, self._raw(t.text, p, later))
                table[t.text] = c
            if later and not f:
                c = self._with_context(tokens, i, c, p)
            if not f and i and tokens[i - 1].line == t.line and len(t.text) > 1:
                hit = inside.get(id(c))
                if hit is None:
                    hit = inside[id(c)] = _no_item_letter(c)
                c = hit
            out.append(c)
        return out

    def _with_context(
        self, tokens: list[Token], i: int, c: _Cands, p: channel.ChannelParams
    ) -> _Cands:
        """Token i's candidates ``c`` plus the words the corpus most often puts after its
        left neighbour and before its right one (``context_followers``, ``context_leaders``)
        that OCR could have damaged into it, as read in this pass; ``c`` itself when none."""
        cfg = self.config
        t = tokens[i]
        prev = nxt = UNK
        if cfg.context_followers and not t.boundary and i > 0:
            prev = self.vid.get(tokens[i - 1].text.lower(), UNK)
        if cfg.context_leaders and i + 1 < len(tokens) and not tokens[i + 1].boundary:
            nxt = self.vid.get(tokens[i + 1].text.lower(), UNK)
        if prev <= UNK and nxt <= UNK:
            return c
        key = (t.text, t.boundary, prev, nxt, p)
        hit = self._doc.context.get(key)
        if hit is None:
            raw = self._raw(t.text, p, True)
            ids = [np.zeros(0, np.int64)]
            if prev > UNK:
                ids.append(self.lm.followers(prev, cfg.context_followers))
            if nxt > UNK:
                ids.append(self.lm.leaders(nxt, cfg.context_leaders))
            more = self._add_words(t.text, raw, p, np.concatenate(ids))
            # Nothing new: the shared object, so that the pruning pass meets it again.
            hit = self._doc.context[key] = c if more is raw else self._with_case(t, more)
        return hit

    def _raw(self, text: str, p: channel.ChannelParams, later: bool) -> _Cands:
        """The candidates of a token before the case channel: the inventory's, and in a later
        pass over OCR damage the document's repeated words too."""
        c = self.candidates(text, p)
        return self._with_doc_words(text, c, p) if later and self._doc.words else c

    def restore(self, text: str) -> Restoration:
        """Restore ``text``, repeating the pass on its own output until nothing changes.

        A repaired word gives its neighbours better context, so a second pass fixes more; and
        stopping only at a fixed point makes restoring twice the same as restoring once. From
        the second pass on, the language model is mixed with the bigrams the document repeats
        in the first pass's reading (:class:`DocCache`, ``doc_cache_weight``)."""
        # The document's cache and words live on the instance while it is restored: one
        # document at a time (threads sharing a restorer wait their turn; a batch runs one
        # restorer per worker process).
        with self._lock:
            if len(self._cache) > self.cache_limit:
                self._cache.clear()  # (between documents: bounded over a long batch)
            result, resegmented = self._restore_once(text)
            # Merges and splits come after the fixed point of the passes (they change the
            # tokens the passes align on), and their new words give the words around them
            # another context: the text is read again until that too changes nothing, so
            # that restoring twice is restoring once (rare: one development page needed it).
            for _ in range(_RESEGMENT_ROUNDS):
                if not resegmented:
                    break
                again, resegmented = self._restore_once(result.text)
                if again.text == result.text:
                    break
                result = self._composed(text, result, again)
            return result

    def _restore_once(self, text: str) -> tuple[Restoration, bool]:
        try:
            return self._restore(text)
        finally:
            self.lm = self._base_lm  # the cache and the words belong to this text only
            self._doc = _Document()

    def _composed(self, text: str, first: Restoration, then: Restoration) -> Restoration:
        """``then`` (a restoration of ``first.text``) as a restoration of ``text``."""
        changes = compose(text, first.changes, then.changes, self.config.flag_threshold)
        kept = still_unresolved(first.unresolved, first.changes, then.changes)
        seen = {(u.line, u.col) for u in kept}
        unresolved = kept + tuple(
            u for u in moved_back(then.unresolved, first.changes) if (u.line, u.col) not in seen
        )
        unresolved = tuple(sorted(unresolved, key=lambda u: (u.line, u.col)))
        return Restoration(replay(text, changes), changes, unresolved)

    def _restore(self, text: str) -> tuple[Restoration, bool]:
        memo: LineMemo = {}
        first_lattice: _Decoded | None = None
        tokens0 = tokenize(text, memo)
        current = [t.text for t in tokens0]
        meta: dict[int, _Why] = {}
        cur_text = text
        # Passes use the channel of the input (its damage) until nothing changes; then the
        # current text is confirmed as a later restore() of it would read it first: the channel
        # estimated on the current text, no document model (the first reading builds it), until
        # such a pass changes nothing. A text whose first reading changes nothing is kept as it
        # is, so the result is a fixed point of restore(): restoring it again reads it once and
        # stops. (Passes that confirmed with the document model of the current text as well
        # cost 40% more time on Tesseract vie pages and changed no figure.)
        p: channel.ChannelParams | None = self.estimate_channel(tokens0) if tokens0 else None
        p_input = p
        frozen: set[int] = set()
        # Words a pass with the input's channel changed this surely stay in its further passes
        # (only text whose letters are right, by default: see freeze_confidence_marks).
        freeze_at = self.config.freeze_confidence
        if p is not None and not p.ocr_damage:
            freeze_at = self.config.freeze_confidence_marks
        # Readings the passes with the input's channel produced: one coming back is a cycle
        # (each pass reads its own output as OCR output: "tai" -> "tại" -> "tai"), which only
        # the current text's channel can settle. Those passes always get their turn, after at
        # most max_passes with the input's channel: restoring twice gives the same text.
        seen = {tuple(current)}
        # Where a bare reading (a later call's first: own channel, no document model, nothing
        # frozen) took each text: a reading can cycle ("phối" -> "phôi" -> "phối", each read
        # as OCR output), and a text on such a cycle is kept as it is, so that restoring any
        # text on it gives that text back.
        bare_next: dict[tuple[str, ...], tuple[str, ...]] = {}
        input_passes = 0
        confirming = False  # passes as a later call's first reading (see above)
        # The document's model as its first reading made it (resegment reads with it too).
        first_reading = (self.lm, self._doc)
        for k in range(self.config.max_passes + _CONFIRM_PASSES):
            if not confirming and input_passes >= min(
                self.config.input_channel_passes, self.config.max_passes
            ):
                self._forget_document()
                confirming = True
            tokens = tokenize(cur_text, memo)
            if len(tokens) != len(tokens0):
                break  # the repaired text tokenizes differently: keep the last consistent state
            if k == 1 and not confirming:
                # Built once, from the first pass's reading (font damage: a middle pass's), and
                # then kept: with the model fixed, a later pass decodes again only the sentences
                # where a word changed.
                reading, lattice = current, first_lattice
                self._doc = self._document(tokens0, current, p_input)
                if self.config.font_cache_pass and p_input is not None and p_input.tokens == "font":
                    # A middle pass with the document's other models and no cache: the
                    # reading the cache counts (see RestoreConfig.font_cache_pass). Its
                    # document model (prior, key votes) is the one the later passes keep.
                    self.lm = self._with_units(self._raw_lm, self._unit_counts(tokens0, current))
                    reading = self._pass(tokens, current, p_input, frozenset(frozen))[0]
                    lattice = self._last_lattice
                self.lm = self._with_units(
                    self._raw_lm.with_cache(self._doc_cache(tokens0, reading, p_input, lattice)),
                    self._unit_counts(tokens0, reading),
                )
                first_reading = (self.lm, self._doc)
            # Later passes with the input's channel only revisit what the earlier ones were
            # unsure of; the confirmation's passes see everything.
            p = None if confirming else p_input
            new, why = self._pass(
                tokens, current, p, frozenset() if confirming else frozenset(frozen)
            )
            if k == 0:
                first_lattice = self._last_lattice
            cycle = False
            if not confirming:
                input_passes += 1
                cycle = tuple(new) in seen
                seen.add(tuple(new))
            if confirming or k == 0:
                bare_next[tuple(current)] = tuple(new)
                if k == 0 and new != current:
                    back = self._bare_reading(text, tokens0, new, p_input, memo)
                    if back is not None:
                        bare_next[tuple(new)] = tuple(back)
                if new != current and tuple(new) in bare_next:
                    if _on_cycle(bare_next, tuple(new), tuple(t.text for t in tokens0)):
                        current, meta = [t.text for t in tokens0], {}
                        break
                    if confirming:  # (a cycle without the input: stop on it)
                        meta.update(why)
                        current = new
                        break
            if new == current:
                # A first pass that changed nothing was the bare one already (same channel,
                # no document model, nothing frozen): the text stays as it is.
                if confirming or k == 0:
                    break
                self._forget_document()
                confirming = True
                continue
            meta.update(why)
            frozen.update(i for i, w in why.items() if w[1] >= freeze_at)
            current = new
            cur_text = _rebuild(text, tokens0, current)
            if cycle:
                self._forget_document()
                confirming = True
        self.lm, self._doc = first_reading
        regions = resegment(self, text, tokens0, current, p_input) if p_input is not None else []
        self._last_lattice = None  # (a document's candidates: not kept past it)
        in_region = {k for g in regions for k in range(g.first, g.last + 1)}
        if p_input is not None and p_input.ocr_damage and self.config.abbreviated_names:
            self._read_names(tokens0, current, meta, in_region)
        if p_input is not None and p_input.ocr_damage and self.config.context_readings:
            self._read_contexts(tokens0, current, meta, in_region, p_input)
        lines = text.split("\n")
        if p_input is not None and p_input.ocr_damage and self.config.formula_lines:
            self._read_formulas(lines, tokens0, current, meta, in_region, p_input)
        if p_input is not None and not p_input.keep_known and self.config.heading_numerals:
            # The parts of a plan are numbered in order: "H." between "I." and "III." is "II."
            for i, numeral in numeral_repairs(lines, tokens0, current).items():
                if i not in in_region:
                    _take(tokens0, current, meta, i, numeral, _NUMERAL_SURE)
        changes: list[Change] = [self._region_change(lines, tokens0, g) for g in regions]
        for i, t in enumerate(tokens0):
            if current[i] == t.text or i in in_region:
                continue
            src, conf, alts = meta[i]
            # The hook or horn the word gained may stand after it as a glyph of its own
            # ("cv’ tri" -> "cử tri", not "cử’ tri"): the change takes it along.
            before = t.text
            if p_input is not None and gains_hook_or_horn(before, current[i]):
                before += stray_mark_after(lines[t.line - 1], t.col + len(before))
            pattern = case_pattern(t.text) if alts else "lower"
            if pattern != "lower":  # (in lower case, the alternatives are as they are)
                alts = tuple(apply_case(a, pattern) for a in alts)
            changes.append(
                Change(
                    line=t.line,
                    col=t.col,
                    before=before,
                    after=current[i],
                    source=src,
                    confidence=round(conf, 4),
                    flagged=conf < self.config.flag_threshold,
                    alternatives=alts,
                )
            )
        changes.sort(key=lambda c: (c.line, c.col))
        unresolved: tuple[Unresolved, ...] = ()
        if p_input is not None and not p_input.keep_known:  # (correct text was not damaged)
            # Abbreviations the document spells out ("World Wide Fund Việt Nam" for "WWFVN")
            # are explained by it: nothing to review. (Looked for only where one would be
            # listed.)
            spelled: set[str] = set()
            if any(self._unknown_abbreviation(t, spelled) for t in tokens0):
                spelled = spelled_codes(tokens0, current, document_codes(tokens0, self._symbols))
            unresolved = tuple(
                Unresolved(t.line, t.col, t.text)
                for i, t in enumerate(tokens0)
                if current[i] == t.text
                and i not in in_region
                and (
                    not (t.protected or t.number)
                    and t.text.lower() not in self.lexicon
                    or self._unknown_abbreviation(t, spelled)
                )
            )
        return Restoration(replay(text, changes), tuple(changes), unresolved), bool(regions)

    def _read_formulas(
        self,
        lines: list[str],
        tokens: list[Token],
        words: list[str],
        meta: dict[int, _Why],
        in_region: set[int],
        p: channel.ChannelParams,
    ) -> None:
        """Read a damaged line that is one of the corpus's frequent short lines (the state's
        motto, a signer's block: diacritics/formulas.py) as the corpus spells it, in
        ``words`` and ``meta``: only where every word of the line that differs from the
        formula's (letters or marks) is one OCR could have printed as it did (the reach of the
        document's repeated words), so that the whole line reads as damage of the formula;
        then each word takes the formula's spelling. ("1. Đối tượng kiểm tra" is near the
        frequent "Nội dung kiểm tra", but "tượng" is no damaged "dung".) A line with nothing
        left to change is a fixed point: restoring the output again finds the formula
        whole."""
        by_line: dict[int, list[int]] = {}
        for i, t in enumerate(tokens):
            by_line.setdefault(t.line, []).append(i)
        formulas, passages = self._formulas(), self._user_passages()
        for idx in by_line.values():
            # A list item's number or letter is no part of the formula ("Ii. TỔ CHỨC THỰC
            # HIỆN" is part III, whatever part the corpus's most frequent line is).
            t0 = tokens[idx[0]]
            line, end = lines[t0.line - 1], t0.col + len(t0.text)
            if (
                len(t0.text) <= 4
                and not line[: t0.col].strip()
                and line[end : end + 1] in (".", ")")
            ):
                idx = idx[1:]
            spelled, whole = None, True
            if len(idx) >= self.config.formula_min_words and not any(tokens[i].number for i in idx):
                spelled = formulas.match([words[i] for i in idx], self.config.formula_cutoff)
            if spelled is None and passages.words:
                # A line of the user's own parent plan, wherever either broke its lines (its
                # numbers aside: the parent's passages are its words).
                idx = [i for i in idx if not tokens[i].number]
                if len(idx) >= self.config.passage_min_words:
                    spelled = passages.match([words[i] for i in idx], self.config.formula_cutoff)
                    whole = False
            if spelled is None:
                continue
            taken = self._formula_words(tokens, words, meta, idx, spelled, in_region, p, whole)
            for i, word in (taken or {}).items():
                words[i] = word
                meta[i] = (Source.CORPUS, _FORMULA_SURE, ())

    def _formula_case(
        self, tokens: list[Token], words: list[str], i: int, word: str, whole: bool = True
    ) -> str:
        """The formula's ``word`` for token i in the case it takes there. A word whose letters
        the reading has keeps the reading's case (the decoder judged it), but a small one
        takes the formula's capital ("tu do" -> "Tự do"). A word of other letters takes the
        printed case (a title's capital, a heading's capitals); where its first letter was
        repaired, which says nothing of case, the formula's, or capitals among capitals."""
        read = case_pattern(words[i])
        if not self.config.case_output:
            return apply_case(word.lower(), read)
        if strip_marks(word.lower()) == strip_marks(words[i].lower()):
            if whole and read == "lower" and case_pattern(word) == "title":
                return word  # (not from a passage cut out of a sentence: its capital is its own)
            return apply_case(word.lower(), read)
        t = tokens[i]
        pattern = case_pattern(t.text)
        if strip_marks(t.text[:1]).lower() != strip_marks(word[:1]).lower():
            pattern = "upper" if self._caps_context(tokens, i) else case_pattern(word)
        elif pattern == "title" and self._caps_context(tokens, i):
            pattern = "upper"  # (a heading's word OCR half-lowered: "Tổ CHỨC")
        return apply_case(word.lower(), pattern)

    def _formula_words(
        self,
        tokens: list[Token],
        words: list[str],
        meta: dict[int, _Why],
        idx: list[int],
        spelled: list[str],
        in_region: set[int],
        p: channel.ChannelParams,
        whole: bool = True,
    ) -> dict[int, str] | None:
        """Position -> the formula's word (``spelled``) for the tokens ``idx`` of a line read
        as ``words``, where they differ; None when one of them cannot be damage of its word."""
        out: dict[int, str] = {}
        for i, word in zip(idx, spelled, strict=True):
            t = tokens[i]
            word = self._formula_case(tokens, words, i, word, whole)
            if word == words[i]:
                continue
            # (Capitals left as printed may be the formula's word a font dropped the vowels of,
            # "TRC" for "TRỰC"; not a symbol's part or a number.)
            if t.protected and not t.abbreviation or i in in_region:
                return None
            low = word.lower()
            if strip_marks(low) != strip_marks(words[i].lower()):
                # Other letters: only where the word was not read surely ("1. Đối tượng kiểm
                # tra" is near the frequent "Nội dung kiểm tra") and OCR could have printed it.
                if self._read_conf(tokens, words, meta, i) >= self.config.formula_sure_reading:
                    return None
                wid = self.vid.get(low)
                rows = np.array([self._vid_row[wid] if wid is not None else -1], np.intp)
                if not self._reachable(t.text, [low], [strip_marks(low)], rows, p)[0]:
                    return None
            out[i] = word
        return out

    def _read_conf(
        self, tokens: list[Token], words: list[str], meta: dict[int, _Why], i: int
    ) -> float:
        """How sure the reading of token i is: a change's confidence; a word left as printed
        is sure when it is a known word and unread (0) otherwise."""
        if words[i] == tokens[i].text:
            return 1.0 if words[i].lower() in self.lexicon else 0.0
        return meta[i][1]

    def _read_names(
        self,
        tokens: list[Token],
        words: list[str],
        meta: dict[int, _Why],
        in_region: set[int],
    ) -> None:
        """Read the words of the names the document abbreviates as it reads them elsewhere
        (:func:`initials.name_repairs`), in ``words`` and ``meta``: a repair less sure than
        ``_NAME_UNSURE`` or a word left unread whose name's abbreviation asks for another
        first letter; then the other unsure readings of the printed tokens those names prove
        (:func:`initials.printed_readings`). A change is as sure as the reading it was taken
        from (its confidence there; 1.0 for a word the document printed right)."""

        def unsure(i: int) -> bool:
            # (Not capitals left as printed: they may abbreviate a part of the name, "Ủy ban
            # MITO Việt Nam".)
            if i in in_region or (words[i] == tokens[i].text and words[i].isupper()):
                return False
            return self._read_conf(tokens, words, meta, i) < _NAME_UNSURE

        def sure(i: int) -> float:
            return meta[i][1] if words[i] != tokens[i].text else 1.0

        codes = document_codes(tokens, self._symbols)
        repaired = name_repairs(tokens, words, unsure, codes)
        for i, (word, source) in repaired.items():
            _take(tokens, words, meta, i, word, sure(source))
        # The printed tokens those names prove ("4n" is "vận" in "Ban Dân vận Huyện ủy", twice
        # or more): their unsure readings elsewhere are that word too. Only tokens that are no
        # syllable as printed: "Dan" may be "Dân" in a name and "dẫn" after "hướng".
        proofs = sorted(
            {
                j
                for r, n in spelled_runs(tokens, words, codes)
                for j in range(r, r + n)
                if sure(j) >= _NAME_UNSURE
                and strip_marks(tokens[j].text.lower()) not in self.by_key
            }
            | set(repaired)
        )
        for i, (word, source) in printed_readings(tokens, words, proofs, unsure).items():
            if tokens[i].boundary or case_pattern(words[i]) == "upper":
                word = apply_case(word, "upper" if case_pattern(words[i]) == "upper" else "title")
            _take(tokens, words, meta, i, word, sure(source))

    def _read_contexts(
        self,
        tokens: list[Token],
        words: list[str],
        meta: dict[int, _Why],
        in_region: set[int],
        p: channel.ChannelParams,
    ) -> None:
        """A guess between two words takes the word the document reads surely between the
        same two words, always the same (:func:`collocations.context_readings`): the Ban Dân
        vận sample's "Dân vốn khéo" (0.20; "Dan vn khéo") beside twenty "Dân vận khéo"."""
        cfg = self.config

        def conf(i: int) -> float:
            return self._read_conf(tokens, words, meta, i)

        def reachable(i: int, word: str) -> bool:
            return word in self.candidates(tokens[i].text, p).words

        for left in (False, True)[: 1 + cfg.context_left]:
            found = context_readings(
                tokens,
                words,
                conf,
                sure=_NAME_UNSURE,
                unsure=cfg.context_left_unsure if left else cfg.context_unsure,
                min_count=cfg.context_min,
                reachable=reachable,
                skip=in_region,
                left=left,
            )
            for i, (word, source) in found.items():
                pattern = case_pattern(words[i])
                if pattern != "lower":
                    word = apply_case(word, pattern)
                _take(tokens, words, meta, i, word, conf(source))

    def _unknown_abbreviation(self, t: Token, spelled: set[str]) -> bool:
        """An abbreviation of four characters or more that the corpus never writes, left as
        printed in damaged text, with a letter no Vietnamese word begins with: a damaged one
        the symbol repair could not place ("MFFQ", "DCTUBTWMPFQVN"), unless the document
        spells it out (``spelled``: the folded codes it does). Unknown codes of Vietnamese
        initials ("SGDĐT", "CTSV", "TCKT" on real scans) are mostly a local body's or a
        programme's own, right as printed: not marked."""
        return (
            self.config.unresolved_abbreviations
            and t.abbreviation
            and len(t.text) >= 4
            and foreign_letters(t.text)
            and t.text not in self._symbols
            and strip_marks(t.text).lower() not in spelled
        )

    def _bare_reading(
        self,
        text: str,
        tokens0: list[Token],
        words: list[str],
        p: channel.ChannelParams | None,
        memo: LineMemo,
    ) -> list[str] | None:
        """The first reading of ``text`` read as ``words`` (by a later restore() of it), when
        that reading's channel is ``p``: the text was restored already, and the reading
        decodes again only the sentences where a word changed (the others are in the segment
        cache). None otherwise: raw OCR output reads with another channel than its repair,
        and a whole pass more would cost it a quarter of its time."""
        tokens = tokenize(_rebuild(text, tokens0, words), memo)
        if len(tokens) != len(tokens0) or self.estimate_channel(tokens) != p:
            return None
        return self._pass(tokens, words, p)[0]

    def _forget_document(self) -> None:
        """Back to the model of a later restore()'s first pass: no document cache, no document
        words."""
        self.lm = self._base_lm
        self._doc = _Document()

    def _doc_cache(
        self,
        tokens: list[Token],
        words: list[str],
        p: channel.ChannelParams | None,
        lattice: _Decoded | None = None,
    ) -> DocCache | None:
        """The bigram cache of the document read as ``words`` (see :class:`DocCache`), by
        expected counts over the candidates of ``lattice`` (the pass that read it) where
        doc_cache_soft and there is one; None where the cache is off or the text is correctly
        marked."""
        w = self.config.doc_cache_weight
        if w <= 0 or p is None or p.keep_known:
            return None
        read = [self.read_id(t, word) for t, word in zip(tokens, words, strict=True)]
        # (Over OCR damage only: text whose letters are right reads its marks surely enough
        # as read, and the expected counts would cost it a fifth of its time.)
        if self.config.doc_cache_soft and lattice is not None and p.ocr_damage:
            codes, mass = self._soft_bigrams(tokens, read, lattice)
            return DocCache(codes, mass, len(self.vocab), w, self.config.doc_cache_k)
        seqs: list[np.ndarray] = []
        cur: list[int] = []
        for t, wid in zip(tokens, read, strict=True):
            if (t.boundary or wid == UNK) and cur:  # no bigram across a sentence or <unk>
                seqs.append(np.array(cur, np.int64))
                cur = []
            if wid != UNK:
                cur.append(wid)
        if cur:
            seqs.append(np.array(cur, np.int64))
        return DocCache.from_sequences(seqs, len(self.vocab), w, self.config.doc_cache_k)

    def _soft_bigrams(
        self, tokens: list[Token], read: list[int], lattice: _Decoded
    ) -> tuple[np.ndarray, np.ndarray]:
        """The expected bigram counts of the first reading (codes w1 · v + w2, masses): each
        position's candidates weighted by their probability in context, its neighbours as
        read (corpus model, the first pass's channel prices: as the key's votes are counted),
        the two sides of a bigram multiplied.

        Counting the reading's words instead lets its unsure guesses vote as loudly as its sure
        ones: the ward's plan names its movement "Dân vận khéo" some 25 times, OCR printed
        "Dan van khéo", the corpus has never seen "vận khéo" and reads "văn" there by half a nat
        (confidence ~0.32), while "Ban Tuyên giáo và Dân vận" and "công tác dân vận" read "vận"
        surely; counted as read, "dân văn" (25) outvoted "dân vận" (14) and the later passes
        kept "văn"; counted by expectation, the sure readings carry it."""
        dist = self._soft_reading(tokens, read, lattice)
        vv = np.int64(len(self.vocab))
        codes, mass = [np.zeros(0, np.int64)], [np.zeros(0)]
        for i in range(len(tokens) - 1):
            if tokens[i + 1].boundary:  # (no bigram across a sentence)
                continue
            (a_ids, a_p), (b_ids, b_p) = dist[i], dist[i + 1]
            codes.append((a_ids[:, None] * vv + b_ids[None, :]).ravel())
            mass.append((a_p[:, None] * b_p[None, :]).ravel())
        return np.concatenate(codes), np.concatenate(mass)

    def _soft_reading(
        self, tokens: list[Token], read: list[int], lattice: _Decoded
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each position's candidate ids (known words) and their probabilities in context."""
        cands, segments = lattice
        todo = [i for i in range(len(tokens)) if len(cands[i].ids) > 1]
        short, probs = self._vote_probs(cands, read, segments, todo)
        got = dict(zip(todo, probs, strict=True))
        dist: list[tuple[np.ndarray, np.ndarray]] = []
        for i, wid in enumerate(read):
            pr = got.get(i)
            if pr is None:
                ids, pr = np.array([wid], np.int64), np.ones(1)
            else:
                ids = short[i].ids.astype(np.int64)
            keep = (pr > _VOTE_MIN) & (ids != UNK)
            dist.append((ids[keep], pr[keep]))
        return dist

    def _vote_probs(
        self,
        cands: list[_Cands],
        read: list[int],
        segments: list[tuple[int, int]],
        todo: list[int],
    ) -> tuple[list[_Cands], list[np.ndarray]]:
        """The votes of the positions ``todo`` in the document's models (the key's, the
        cache's expected counts): their cheapest candidates (:meth:`_cheapest`; a third of the
        time of all of them, same figures) and the probability of each in context, the
        neighbours ``read`` (ids), by the corpus model and the channel prices."""
        short = self._cheapest(cands, todo)
        return short, self._context_probs(short, read.__getitem__, segments, todo, self._base_lm)

    def _cheapest(self, cands: list[_Cands], todo: list[int]) -> list[_Cands]:
        """``cands`` with each of the positions ``todo`` cut to its key_cache_candidates
        cheapest candidates (in their order; shared lists stay shared): the ones whose votes
        count (a reading the channel prices far above them gets no share worth counting)."""
        k = self.config.key_cache_candidates
        short: dict[int, _Cands] = {}
        out = list(cands)
        for i in todo:
            c = cands[i]
            if len(c.ids) > k:
                hit = short.get(id(c))
                if hit is None:
                    sel = np.sort(np.argsort(c.cost, kind="stable")[:k])
                    hit = _Cands([c.words[j] for j in sel], c.ids[sel], c.cost[sel])
                    short[id(c)] = hit
                out[i] = hit
        return out

    def _unit_counts(self, tokens: list[Token], words: list[str]) -> dict[int, int]:
        """How often the document read as ``words`` uses each unit word (id -> count)."""
        units = set(self._unit_ids.tolist())
        counts: dict[int, int] = {}
        for t, w in zip(tokens, words, strict=True):
            wid = self.vid.get(w.lower(), UNK)
            if wid in units and not t.protected:
                counts[wid] = counts.get(wid, 0) + 1
        return counts

    def _document(
        self, tokens: list[Token], words: list[str], p: channel.ChannelParams | None
    ) -> _Document:
        """What the later passes keep of the document's first reading ``words``: the known
        words it repeats at least ``doc_vocab_min_count`` times (see :meth:`_with_doc_words`)."""
        later = p is not None and p.ocr_damage
        n = self.config.doc_vocab_min_count
        types = [t.text.lower() for t in tokens]
        if not later or n <= 0:
            return _Document(later=later, types=types)
        counts: dict[str, int] = {}
        for t, w in zip(tokens, words, strict=True):
            lw = w.lower()
            if not (t.protected or t.number) and lw in self.vid:
                counts[lw] = counts.get(lw, 0) + 1
        repeated = sorted(w for w, c in counts.items() if c >= n)
        keys = [strip_marks(w) for w in repeated]
        return _Document(
            later=True,
            words=repeated,
            keys=keys,
            rows=np.array([self._key_row.get(k, -1) for k in keys], np.intp),
            log_counts=[math.log(counts[w]) for w in repeated],
            fingerprint=hash(tuple((w, counts[w]) for w in repeated)),
            types=types,
        )

    def _with_doc_words(self, token: str, c: _Cands, p: channel.ChannelParams) -> _Cands:
        """Add to ``c`` the words the document repeats that OCR could have damaged into
        ``token`` beyond the reach of the inventory search (accent-free keys within plain edit
        distance ``doc_vocab_max_dist``, weighted edit cost up to ``doc_vocab_limit``).

        A plan repeats its terms: where one occurrence of "người ứng cử" came out as
        "nguvod tg cử", the inventory's near keys (distance 2) do not hold "người" and "ứng",
        but the document's other occurrences do; the language model with the document cache
        then decides."""
        hit = self._doc.cands.get((token, p))
        if hit is None:
            hit = self._doc.cands[(token, p)] = self._add_doc_words(token, c, p)
        return hit

    def _add_doc_words(self, token: str, c: _Cands, p: channel.ChannelParams) -> _Cands:
        cfg, doc = self.config, self._doc
        ob = strip_marks(token.lower())
        if not any(ch.isalpha() for ch in ob):
            return c
        hits = process.extract(
            ob,
            doc.keys,
            scorer=Levenshtein.distance,
            score_cutoff=cfg.doc_vocab_max_dist,
            limit=None,
        )
        have = set(c.words)
        js = [j for _key, _d, j in hits if doc.words[j] not in have]
        if not js:
            return c
        kept, costs = self._reachable(
            token, [doc.words[j] for j in js], [doc.keys[j] for j in js], doc.rows[js], p
        )
        words = [doc.words[js[h]] for h in kept]
        if len(words) > cfg.doc_vocab_keep:
            # The most likely ones: cheap to reach, and frequent in the document.
            rank = [cost - doc.log_counts[js[h]] for h, cost in zip(kept, costs, strict=True)]
            best = sorted(range(len(words)), key=rank.__getitem__)[: cfg.doc_vocab_keep]
            words = [words[k] for k in best]
            costs = [costs[k] for k in best]
        return self._extended(c, words, costs)

    def _add_words(
        self, token: str, c: _Cands, p: channel.ChannelParams, ids: np.ndarray
    ) -> _Cands:
        """``c`` plus the lexicon words among ``ids`` that are within reach of ``token`` (as
        for the document's words: plain edit distance doc_vocab_max_dist of the accent-free
        forms, weighted edit cost at most doc_vocab_limit), priced like other candidates."""
        rows = self._vid_row[ids]
        ids, rows = ids[rows >= 0], rows[rows >= 0]  # (lexicon words only)
        if not len(ids):
            return c
        keys = self._key_arr[rows]
        ob = strip_marks(token.lower())
        plain = process.cdist([ob], keys.tolist(), scorer=Levenshtein.distance, dtype=np.int32)[0]
        have = set(c.words)
        pick = []  # near ones, each word once
        for h in np.flatnonzero(plain <= self.config.doc_vocab_max_dist).tolist():
            w = self.vocab[ids[h]]
            if w not in have:
                have.add(w)
                pick.append(h)
        words = [self.vocab[ids[h]] for h in pick]
        kept, costs = self._reachable(token, words, keys[pick].tolist(), rows[pick], p)
        return self._extended(c, [words[h] for h in kept], costs)

    def _reachable(
        self,
        token: str,
        words: list[str],
        keys: list[str],
        rows: np.ndarray,
        p: channel.ChannelParams,
    ) -> tuple[list[int], list[float]]:
        """Which of ``words`` (accent-free ``keys``, their rows among the inventory's keys or
        -1) OCR could have damaged into ``token`` at a weighted edit cost up to
        ``doc_vocab_limit``, as positions in ``words``, and their prices as candidates (that
        cost, the marks' and ``doc_vocab_cost``)."""
        cfg = self.config
        o = token.lower()
        ob = self._printed_key(token, strip_marks(o))
        scale, limit = p.letter_scale, cfg.doc_vocab_limit
        dist = np.zeros(len(words))
        inv = rows >= 0
        dist[inv] = self._key_dist.distances(ob, rows[inv], limit / scale, p.vowel_drop)
        for h in np.flatnonzero(~inv).tolist():  # (a word whose key no lexicon word has)
            dist[h] = self.edit.distance(ob, keys[h], limit / scale, p.vowel_drop)
        kept, costs = [], []
        for h, d in enumerate((dist * scale).tolist()):
            if d <= limit:
                kept.append(h)
                costs.append(d + channel.mark_cost(o, words[h], p) + cfg.doc_vocab_cost)
        return kept, costs

    def _extended(self, c: _Cands, words: list[str], costs: list[float]) -> _Cands:
        """``c`` with ``words`` at ``costs`` after its own candidates (``c`` when none)."""
        if not words:
            return c
        ids = np.array([self.vid[w] for w in words], np.int64)
        return _Cands(
            c.words + words, np.concatenate([c.ids, ids]), np.concatenate([c.cost, costs])
        )

    def _region_change(self, lines: list[str], tokens: list[Token], g: Region) -> Change:
        """The change of a split or merged word: the input (``lines``) from its first to its
        last token."""
        first, last = tokens[g.first], tokens[g.last]
        line = lines[first.line - 1]
        return Change(
            line=first.line,
            col=first.col,
            before=line[first.col : last.col + len(last.text)],
            after=g.after,
            source=Source.LM,
            confidence=round(g.confidence, 4),
            flagged=g.confidence < self.config.flag_threshold,
            alternatives=g.alternatives,
        )


# What the language model reads for a kept symbol that stands alone between words.
_SYMBOL_READS = {"&": "và"}


# What OCR does to a symbol: a digit misread ("UBTVQHI5", "UBTVQHT5" for "UBTVQH15"), a glyph
# added ("UBTVQHI15", "HDĐND", "MTTAQ"), a stroke lost. A letter read as another letter is no
# such damage of a symbol: "SGDĐT" (a provincial department's own code, which the corpus never
# writes) is not "BGDĐT" (the ministry's), and was made so in a real scan (session 23).
_STROKES = frozenset("1Il|!")


def _take(
    tokens: list[Token], words: list[str], meta: dict[int, _Why], i: int, word: str, conf: float
) -> None:
    """Read token i as ``word``, taken from the document's own reading (confidence ``conf``):
    the decoder's reading becomes the change's alternative."""
    before = words[i]
    words[i] = word
    if word == tokens[i].text:  # (back to the word as printed: no change)
        meta.pop(i, None)
        return
    meta[i] = (Source.DOCUMENT, conf, (before,) if before != tokens[i].text else ())


def _symbol_misreading(printed: str, symbol: str) -> bool:
    """Whether the one edit from ``printed`` to ``symbol`` is OCR's damage of a symbol: a
    digit put for or read as another character, a glyph added, or a stroke (1, I, l, |) lost;
    not one letter put for another."""
    for op in Levenshtein.editops(printed, symbol):
        was, now = printed[op.src_pos : op.src_pos + 1], symbol[op.dest_pos : op.dest_pos + 1]
        if op.tag == "replace" and not (was.isdigit() or now.isdigit()):
            return False
        if op.tag == "insert" and now not in _STROKES:
            return False
    return True


def _on_cycle(
    steps: dict[tuple[str, ...], tuple[str, ...]], start: tuple[str, ...], text: tuple[str, ...]
) -> bool:
    """Whether ``text`` is on the cycle that following ``steps`` from ``start`` ends in."""
    path: list[tuple[str, ...]] = []
    at: tuple[str, ...] | None = start
    while at is not None and at not in path:
        path.append(at)
        at = steps.get(at)
    return at is not None and text in path[path.index(at) :]


# Passes with the current text's channel that confirm the fixed point, after the passes with
# the input's channel (RestoreConfig.max_passes) are spent.
_CONFIRM_PASSES = 2
# Readings again after merges and splits changed the text (see Restorer.restore).
_RESEGMENT_ROUNDS = 3

# The last words of unit names, as read or printed without marks.
_UNIT_WORDS = frozenset(
    ["xã", "phường", "huyện", "tỉnh", "quận", "trấn", "phố", "khu", "tp"]
    + ["xa", "phuong", "huyen", "tinh", "quan", "tran", "pho"]
)
_UNIT_KEYS = frozenset(strip_marks(w) for w in _UNIT_WORDS)


_ETH = str.maketrans("Ðð", "Đđ")
_DOUBLED_D_RE = re.compile("ĐÐ|ÐĐ")


# Letters that alone are no syllable: a list item's letter ("b)"), a unit ("m", "g"), noise;
# a vowel alone is one ("ở", "y tế", "e ngại").
_LONE_CONSONANTS = frozenset("bcdđfghjklmnpqrstvwxz")


def _no_item_letter(c: _Cands) -> _Cands:
    """``c`` less the one-letter words that are no syllable ("b", "s"; not "ở", "y", "e"), for
    a token of two letters or more inside a line.

    Tesseract vie prints a list item's "b)" as "bì" (its token table: "bì" stood for "b" 7
    times), which makes "b" a cheap reading of "bì"; but an item's letter opens its line, and
    inside one the reading dropped a letter of a word ("Bì thư" had become "B thư"; a real
    scan's stamp noise "si" had become "s")."""
    keep = [k for k, w in enumerate(c.words) if len(w) > 1 or w not in _LONE_CONSONANTS]
    if len(keep) == len(c.words) or not keep:
        return c
    return _Cands([c.words[k] for k in keep], c.ids[keep], c.cost[keep])


def _d_variants(word: str) -> list[str]:
    """``word`` with some or all of its d's written đ (not ``word`` itself)."""
    spots = [i for i, c in enumerate(word) if c == "d"]
    out = []
    for mask in range(1, 1 << len(spots)):
        chars = list(word)
        for b, i in enumerate(spots):
            if mask >> b & 1:
                chars[i] = "đ"
        out.append("".join(chars))
    return out


# Corpus tokens compared at a time when a match is extended.
_SPAN_WINDOW = 32

# Near-key searches over all keys before the deletion index is built (0.1 s, the cost of about
# 300 such searches).
_SEARCHES_BEFORE_INDEX = 300
# Transitions per decoding chunk (bounds the memory of its lattice: ~50 bytes each).
_CHUNK_TRANSITIONS = 1 << 20
# Contexts scored per repeated token at most (Restorer._type_prior).
_TYPE_CONTEXTS = 64
# Rows per language-model batch where the rows come in groups (grids of the pruning pass,
# contexts x readings of the type prior): large enough for numpy, small enough for the cache.
_BATCH_ROWS = 1 << 18


def _caps_syllable(tokens: list[Token], i: int, j: int) -> bool:
    """Whether token j is on token i's line and a syllable in capitals (two letters or more,
    shaped like a syllable: no abbreviation, "UBND", "GDDT")."""
    if not (0 <= j < len(tokens) and tokens[j].line == tokens[i].line):
        return False
    t = tokens[j].text
    return len(t) > 1 and t.isupper() and syllable_shaped(t)


def _caps_word_next(tokens: list[Token], i: int) -> bool:
    """Whether a neighbour of token i on its line is a syllable in capitals."""
    return _caps_syllable(tokens, i, i - 1) or _caps_syllable(tokens, i, i + 1)


def _heading_line(tokens: list[Token], i: int) -> bool:
    """Whether token i opens its line and every other token on it is a syllable in capitals
    (one at least)."""
    if i > 0 and tokens[i - 1].line == tokens[i].line:
        return False
    j = i + 1
    while j < len(tokens) and tokens[j].line == tokens[i].line:
        if not _caps_syllable(tokens, i, j):
            return False
        j += 1
    return j > i + 1


def _between_caps_words(tokens: list[Token], i: int) -> bool:
    """Whether both neighbours of token i on its line are syllables in capitals."""
    return _caps_syllable(tokens, i, i - 1) and _caps_syllable(tokens, i, i + 1)


# P(capital) above which a word whose small first letter OCR misread inside a sentence is
# capitalized (Restorer._output_case).
_CAP_REPAIRED_MIN = 0.6

# Roman numerals of two letters or more that the corpus writes in small letters too ("ii)");
# not "vi" and "xi", Vietnamese words ("Vi phạm", "Xi măng" are no "VI", "XI").
_ROMAN_NUMERALS = frozenset("ii iii iv vii viii ix xii xiii xiv xv xvi xvii xviii xix xx".split())


def _under_heading(tokens: list[Token], i: int) -> bool:
    """Whether token i opens the line under a line that ends in capitals ("KẾ HOẠCH" above
    "Khảo sát, xác định ..."): a title or a first sentence, capitalized as printed."""
    if i == 0 or tokens[i - 1].line == tokens[i].line:
        return False
    prev = tokens[i - 1].text
    return len(prev) > 1 and prev.isupper() and syllable_shaped(prev)


def _gap_before(tokens: list[Token], i: int) -> int | None:
    """How many characters stand between token i - 1 and token i on their line; None where
    token i starts its line."""
    if i == 0 or tokens[i - 1].line != tokens[i].line:
        return None
    prev = tokens[i - 1]
    return tokens[i].col - (prev.col + len(prev.text))


def _next_adjacent(tokens: list[Token], i: int) -> bool:
    """Token i + 1 follows token i on its line after one space, no punctuation between."""
    return i + 1 < len(tokens) and _gap_before(tokens, i + 1) == 1


def _spaced_from_previous(tokens: list[Token], i: int) -> bool:
    """Whether token i starts its line or stands apart from the token before it by more than
    one character (a space after the punctuation between them)."""
    gap = _gap_before(tokens, i)
    return gap is None or gap >= 2


def _window(word: Callable[[int], int], i: int, a: int, b: int) -> tuple[int, ...]:
    """The context of position ``i`` of the segment a..b for :meth:`Restorer._in_context`: the
    ids (``word(k)``) of the two words before it (<s> before the segment), of the two after it
    (0 past its end), and whether there are one and two words after."""
    return (
        word(i - 2) if i - 2 >= a else BOS,
        word(i - 1) if i - 1 >= a else BOS,
        word(i + 1) if i + 1 < b else 0,
        word(i + 2) if i + 2 < b else 0,
        i + 1 < b,
        i + 2 < b,
    )


class _Lattice:
    """Index arrays of a trigram Viterbi over a batch of units, laid out step by step.

    A state is a pair (candidate b of the previous position, candidate c of the position); a
    transition (a, b) -> (b, c) scores candidate c after a and b. Each unit starts from one
    virtual state <s> <s> (states 0 .. units-1). The other states are numbered in step order
    (the first positions of all units, then their second positions, ...), and transitions too,
    grouped by their target state with ``a`` varying fastest, so that one step is one
    contiguous slice of states and of transitions. Only real candidates make states: a
    position with 3 candidates after one with 5 has 15 states, whatever the widest one."""

    def __init__(self, widths: np.ndarray, lens: np.ndarray):
        n, units = len(widths), len(lens)
        self.n_units = units
        self.widths = widths
        self.offs = np.cumsum(lens) - lens  # first position of each unit
        unit_of = np.repeat(np.arange(units), lens)
        step = np.arange(n) - self.offs[unit_of]
        has1 = step >= 1
        before = np.maximum(np.arange(n) - 1, 0)
        k1 = np.where(has1, widths[before], 1)  # candidates of the previous position (<s>: 1)
        k2 = np.where(step >= 2, widths[np.maximum(before - 1, 0)], 1)
        order = np.argsort(step, kind="stable")
        n_pos_states = (k1 * widths)[order]
        self.pos_state = np.empty(n, np.int64)  # first state of each position
        self.pos_state[order] = units + np.cumsum(n_pos_states) - n_pos_states
        self.n_states = units + int(n_pos_states.sum())
        sg = np.repeat(order, n_pos_states)  # position of each (non-virtual) state
        r = np.arange(self.n_states - units) - (self.pos_state[sg] - units)
        b, c = np.divmod(r, widths[sg])
        cstart = np.cumsum(widths) - widths  # first candidate of each position
        self.state_cand = cstart[sg] + c
        s_has1 = has1[sg]
        self.state_prev_cand = np.where(s_has1, cstart[sg - 1] + b, -1)
        n_in = k2[sg]  # transitions into each state
        self.trans_start = np.cumsum(n_in) - n_in
        n_trans = int(n_in.sum())
        self.trans_to = np.repeat(np.arange(units, self.n_states), n_in)
        # Transition x into state (b, c) comes from state (a, b) of the previous position,
        # a = x - trans_start: that state's number is src + a * k1. As a running sum: +k1 from
        # one transition to the next, and a jump to src at the first one of each state.
        src = np.where(s_has1, self.pos_state[sg - 1] + b, unit_of[sg])
        s_k1 = k1[sg]
        last = src + (n_in - 1) * s_k1
        delta = np.repeat(s_k1, n_in)
        delta[self.trans_start] = src - np.concatenate(([0], last[:-1]))
        self.trans_from = np.cumsum(delta)
        self.n_in = n_in
        bounds = np.searchsorted(step[sg], np.arange(int(lens.max()) + 1))
        self.step_states = (units + bounds).tolist()
        self.step_trans = np.append(self.trans_start, n_trans)[bounds].tolist()


def _viterbi(lat: _Lattice, lp: np.ndarray) -> np.ndarray:
    """Best score of each state (a path of the best score ends in it)."""
    score = np.empty(lat.n_states)
    score[: lat.n_units] = 0.0
    u = lat.n_units
    for t in range(len(lat.step_states) - 1):
        s0, s1 = lat.step_states[t], lat.step_states[t + 1]
        x0, x1 = lat.step_trans[t], lat.step_trans[t + 1]
        total = score[lat.trans_from[x0:x1]] + lp[x0:x1]
        score[s0:s1] = np.maximum.reduceat(total, lat.trans_start[s0 - u : s1 - u] - x0)
    return score


def _first_max(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Index of the first maximum of each group of ``values`` (consecutive groups of ``sizes``
    elements), as np.argmax gives it for each group alone."""
    starts = np.cumsum(sizes) - sizes
    best = np.maximum.reduceat(values, starts)
    at = np.where(values == np.repeat(best, sizes), np.arange(len(values)), len(values))
    return np.minimum.reduceat(at, starts) - starts


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The indices starts[k] .. starts[k] + sizes[k] - 1 of every k, one after the other."""
    return np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()))


def _backtrack(
    lat: _Lattice, lp: np.ndarray, score: np.ndarray, units: list[tuple[int, int]], path: list[int]
) -> None:
    """Write the best candidate of every position of ``units`` into ``path``.

    All units walk back together from their best last state. The transition into a state that
    the walk reaches is found again from the scores (the first best, as in the forward pass),
    which costs much less than keeping a back-pointer for every state."""
    u, widths = lat.n_units, lat.widths
    lens = np.array([b - a for a, b in units], np.int64)
    g = lat.offs + lens - 1  # the position of each unit being walked
    n_last = widths[g] * np.where(lens > 1, widths[np.maximum(g - 1, 0)], 1)
    state = lat.pos_state[g] + _first_max(score[_ranges(lat.pos_state[g], n_last)], n_last)
    chosen = np.zeros(len(widths), np.int64)
    walking = np.arange(len(units))  # units not at their first position yet
    while True:
        b, chosen[g] = np.divmod(state - lat.pos_state[g], widths[g])
        more = g > lat.offs[walking]
        walking, g, state, b = walking[more], g[more], state[more], b[more]
        if not len(walking):
            break
        into = lat.trans_start[state - u]
        n_in = lat.n_in[state - u]
        x = _ranges(into, n_in)
        a = _first_max(score[lat.trans_from[x]] + lp[x], n_in)
        g = g - 1
        state = lat.pos_state[g] + a * widths[g] + b
    picked = chosen.tolist()
    for (a0, b0), off in zip(units, lat.offs.tolist(), strict=True):
        path[a0:b0] = picked[off : off + b0 - a0]


def _decode_units(cands: list[_Cands], a: int, b: int) -> list[tuple[int, int]]:
    """Independent decoding units (start, end) of segment [a, b).

    Two consecutive tokens with a single candidate fix the trigram context, so the best path
    after them does not depend on the choices before them: the segment splits there, exactly.
    Each unit keeps the two fixed tokens before its first ambiguous one (its context) and the two
    after its last one (their LM scores depend on it). Segments with nothing to choose need no
    decoding at all, which is most of a pass over correctly marked text."""
    units = []
    i = a
    while i < b:
        if len(cands[i].ids) == 1:
            i += 1
            continue
        start, end = i, i + 1
        j = i + 1
        while j < b:
            n = len(cands[j].ids)
            if n > 1:
                end = j + 1
            elif j + 1 >= b or len(cands[j + 1].ids) == 1:
                break
            j += 1
        units.append((max(a, start - 2), min(b, end + 2)))
        i = end
    return units


def _rebuild(text: str, tokens: list[Token], words: list[str]) -> str:
    """``text`` with token i replaced by ``words[i]``."""
    lines = text.split("\n")
    by_line: dict[int, list[int]] = {}
    for i, (t, w) in enumerate(zip(tokens, words, strict=True)):
        if w != t.text:
            by_line.setdefault(t.line, []).append(i)
    for ln, idxs in by_line.items():
        s = lines[ln - 1]
        parts: list[str] = []
        end = 0  # of the last token replaced
        for i in idxs:
            t = tokens[i]
            parts += (s[end : t.col], words[i])
            end = t.col + len(t.text)
        parts.append(s[end:])
        lines[ln - 1] = "".join(parts)
    return "\n".join(lines)
