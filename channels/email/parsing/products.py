"""Which product and option a mail means, by the catalogue's own names in any language.

Each product is described by *features*: concepts found in its names (a
small multilingual lexicon of tour vocabulary: cruise, lunch, sunset, walk,
old town ...) and stems of the words of its names and of partners' external
names. A mail scores every product by the features it contains, weighted by
how rare the feature is across products; tolerant of inflection (stems,
German compounds by substring) and of small typos (difflib on longer words).
Partners' product-mapping ids (OTA option ids, product codes) win outright.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .catalogue_index import CatalogueIndex, PartnerInfo, ProductInfo

CONCEPTS = {
    "cruise": ["cruise", "boat", "ship", "sail", "plavb", "lodí", "lodi", "lodn", "loď", "schiff", "boot", "fahrt",
               "croazier", "vapor", "barc", "кораб", "човн", "круїз", "теплох", "游船", "船", "游轮"],
    "river": ["river", "fluss", "řek", "řece", "vltav", "moldau", "râu", "rau ", "влтав", "річк", "河"],
    "sightseeing": ["sightseeing", "vyhlídk", "rundfahrt", "panoram", "оглядов", "观光"],
    "lunch": ["lunch", "oběd", "obed", "mittag", "prânz", "pranz", "обід", "обiд", "午餐", "午饭", "中餐"],
    "buffet": ["buffet", "bufet", "švédsk", "шведськ", "自助"],
    "dinner": ["dinner", "večeř", "vecer", "abendessen", "cină", "cina ", "вечер", "晚餐", "晚饭"],
    "sunset": ["sunset", "západ", "sonnenuntergang", "apus", "захід сонця", "заход", "日落", "夕阳"],
    "prosecco": ["prosec", "sekt", "šampaň", "sampan", "шампан", "香槟", "起泡酒"],
    "walk": ["walk", "procházk", "prohlídk", "rundgang", "spaziergang", "plimbare", "pe jos", "пішохід", "піша",
             "步行", "徒步", "漫步"],
    "guided": ["guided", "führung", "průvodc", "ghid", "екскурс", "excursi", "导游", "游览"],
    "oldtown": ["old town", "oldtown", "staré měst", "starým měst", "starém měst", "staroměst", "altstadt",
                "orașul vechi", "orasul vechi", "centrul vechi", "старе міст", "старим міст", "старому міст", "老城"],
    "jewish": ["jewish", "židovsk", "josefov", "judenviertel", "jüdisch", "evreiesc", "єврейськ", "犹太"],
    "museum": ["museum", "muzeu", "музе", "博物馆"],
    "castle": ["castle", "hrad", "burg", "castel", "замок", "城堡"],
    "night": ["night", "noční", "nacht", "noapte", "нічн", "夜"],
}
GUIDE_LANGUAGES = {
    "en": ["english", "englisch", "anglick", "angličt", "anglict", "angl.", "engl.", "englez", "англійськ",
           "английск", "英文", "英语", "英語"],
    "de": ["german", "deutsch", "německ", "nemeck", "němčin", "nemcin", "німецьк", "немецк", "德语", "德文"],
    "es": ["spanish", "spanisch", "španěl", "spanel", "spaniol", "іспанськ", "испанск", "西班牙"],
    "fr": ["french", "französisch", "francouz", "francez", "французьк", "法语"],
    "it": ["italian", "italienisch", "italsk", "італійськ", "意大利"],
    "ru": ["russian", "russisch", "rusk", "російськ", "русск", "俄语"],
    "cs": ["czech", "tschechisch", "česk", "cesky", "cehă", "чеськ", "捷克"],
    "pl": ["polish", "polnisch", "polsk", "polonez", "польськ", "波兰"],
    "uk": ["ukrainian", "ukrainisch", "ukrajinsk", "ucrainean", "українськ", "乌克兰"],
    "zh": ["chinese", "chinesisch", "čínsk", "chinez", "китайськ", "中文", "汉语", "普通话"],
}
_STOP = {"with", "the", "and", "in", "on", "of", "for", "tour", "prague", "praha", "prag", "mit", "und", "der", "die",
         "das", "auf", "ve", "v", "s", "a", "se", "na", "po", "do", "cu", "si", "și", "de", "la", "minutes", "minute",
         "minut", "minuten", "standard", "option", "guide", "guided"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ord(ch) < 0x80 or ord(ch) >= 0x250:
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case, Latin diacritics removed (Cyrillic and CJK untouched)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return "".join(map(_fold_char, lowered))


@lru_cache(maxsize=None)
def _folded_lexicon(kind: str) -> dict[str, list[str]]:
    table = CONCEPTS if kind == "concepts" else GUIDE_LANGUAGES
    return {key: sorted({fold(s) for s in stems}) for key, stems in table.items()}


def _contains(folded: str, stem: str) -> bool:
    if len(stem) > 4 or not stem[0].isalpha() or ord(stem[0]) >= 0x3000:
        return stem in folded
    return re.search(rf"(?<![^\W\d_]){re.escape(stem)}", folded) is not None  # short stems: word start only


_GREETING = re.compile(
    r"^\s*(?:good (?:morning|afternoon|evening)|dobrý (?:den|večer)|dobré ráno|guten (?:tag|morgen|abend)|"
    r"bună (?:ziua|seara|dimineața)|buna (?:ziua|seara)|добр(?:ий|ого) (?:день|вечір|вечора|ранку)|"
    r"晚上好|下午好|早上好)\b[^\n]*\n",
    re.IGNORECASE,
)


def _has_diacritics(text: str) -> bool:
    return any(0x80 <= ord(ch) < 0x250 for ch in text)


@lru_cache(maxsize=1)
def _concept_needles() -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(concept, [(stem, folded stem, short)]) with the per-stem facts computed once."""
    return [(concept, [(stem, fold(stem), len(stem) <= 4 and stem[0].isalpha() and ord(stem[0]) < 0x3000)
                       for stem in stems]) for concept, stems in CONCEPTS.items()]


def concepts_in(text: str) -> set[str]:
    """Concepts named in `text`. A writer who uses diacritics is matched with them ("večer", evening, is
    not "večeře", dinner; "řece" is not "recepce"); one who does not, without."""
    text = _GREETING.sub("", text)
    accented = _has_diacritics(text)
    haystack = " " + (text.lower() if accented else fold(text)) + " "
    found = set()
    for concept, needles in _concept_needles():
        for stem, folded_stem, short in needles:
            needle = stem if accented else folded_stem
            hit = _contains(haystack, needle) if short else needle in haystack
            if hit:
                found.add(concept)
                break
    return found


def languages_in(text: str) -> list[tuple[int, str]]:
    """(position, ISO code) of language names ("německy", "англійською", "英文", "Guide in English")."""
    folded = fold(text)
    found = []
    for code, stems in _folded_lexicon("languages").items():
        for stem in stems:
            for m in re.finditer(re.escape(stem), folded):
                if stem[0].isascii() and m.start() > 0 and folded[m.start() - 1].isalpha():
                    continue
                found.append((m.start(), code))
    return sorted(found)


def _stems(text: str) -> set[str]:
    return {fold(w)[:6] for w in _WORD.findall(text) if len(w) >= 4 and fold(w) not in _STOP and not w.isdigit()}


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\b(\d{2,3})\s*(?:-|\s)?\s*(?:min|minut|minuten|minute|de minute|хвилин|分钟|分)", text, re.I))


@dataclass
class ProductFeatures:
    code: str
    concepts: set[str]
    stems: set[str]
    numbers: set[str]


def product_features(catalogue: CatalogueIndex) -> dict[str, ProductFeatures]:
    cached = catalogue._cache.get("product_features")
    if cached is None:
        names: dict[str, list[str]] = {code: list(p.names.values()) for code, p in catalogue.products.items()}
        for partner in catalogue.partners:
            for mapping in partner.product_mapping:
                if mapping.external_name and mapping.product in names:
                    names[mapping.product].append(mapping.external_name)
        cached = {
            code: ProductFeatures(code, concepts_in(" ".join(texts)), set().union(*map(_stems, texts)),
                                  set().union(*map(_numbers, texts)))
            for code, texts in names.items()
        }
        catalogue._cache["product_features"] = cached
    return cached


def _weights(features: dict[str, ProductFeatures]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for f in features.values():
        for key in [f"c:{c}" for c in f.concepts] + [f"s:{s}" for s in f.stems] + [f"n:{n}" for n in f.numbers]:
            counts[key] = counts.get(key, 0) + 1
    total = max(1, len(features))
    return {key: math.log((total + 1) / n) + 0.2 for key, n in counts.items()}


def _fuzzy_stems(text_stems: set[str], product_stems: set[str]) -> set[str]:
    """Stems in both; a longer stem also when the text has it with one typo (same first letter)."""
    hits = product_stems & text_stems
    by_initial: dict[str, list[str]] = {}
    for stem in text_stems:
        by_initial.setdefault(stem[:1], []).append(stem)
    for stem in product_stems - hits:
        candidates = by_initial.get(stem[:1])
        if len(stem) >= 5 and candidates and difflib.get_close_matches(stem, candidates, n=1, cutoff=0.8):
            hits.add(stem)
    return hits


def score_products(text: str, catalogue: CatalogueIndex) -> list[tuple[float, str]]:
    features = product_features(catalogue)
    weights = catalogue._cache.setdefault("product_weights", _weights(features))
    text_concepts = concepts_in(text)
    text_stems = _stems(text)
    text_numbers = set(re.findall(r"(?<!\d)(\d{2,3})(?!\d)\s*(?:-|\s|de\s)?\s*(?:min|хв|分)", text, re.I))
    scores = []
    for code, f in features.items():
        score = sum(weights[f"c:{c}"] for c in f.concepts & text_concepts)
        score += 0.5 * sum(weights[f"s:{s}"] for s in _fuzzy_stems(text_stems, f.stems))
        score += 1.5 * sum(weights[f"n:{n}"] for n in f.numbers & text_numbers)
        if score > 0:
            scores.append((score, code))
    return sorted(scores, reverse=True)


def mapped_product(text: str, partner: PartnerInfo | None) -> tuple[str, str | None] | None:
    """A partner's own product id written in the mail (OTA option id, product code + grade)."""
    if partner is None:
        return None
    best = None
    for mapping in partner.product_mapping:
        if not re.search(rf"(?<![\w-]){re.escape(mapping.external_id)}(?![\w-])", text):
            continue
        if mapping.external_option_id:
            if re.search(rf"(?<![\w-]){re.escape(mapping.external_option_id)}(?![\w])", text):
                return mapping.product, mapping.option
            best = best or (mapping.product, mapping.option)
        else:
            return mapping.product, mapping.option
    return best


def match_product(text: str, catalogue: CatalogueIndex, *, time: str | None = None) -> tuple[str | None, float]:
    """The best product code and a confidence 0..1."""
    scores = score_products(text, catalogue)
    if not scores:
        return None, 0.0
    top = scores[0][0]
    tied = [code for score, code in scores if score >= top - 1e-9]
    if len(tied) > 1 and time:
        fitting = [code for code in tied if time in catalogue.products[code].all_times()]
        tied = fitting or tied
    confidence = 1.0 if len(scores) == 1 else min(1.0, 0.5 + (top - scores[1][0]) / top)
    return tied[0], (confidence if len(tied) == 1 else 0.4)


def option_language(option_names: dict[str, str], code: str) -> str | None:
    if code.lower() in GUIDE_LANGUAGES:
        return code.lower()
    for name in option_names.values():
        found = languages_in(name)
        if found:
            return found[0][1]
    return None


def match_option(text: str, product: ProductInfo, *, exact_value: str | None = None,
                 use_default: bool = True) -> str | None:
    if not product.options:
        return None
    if exact_value:
        for option in product.options:
            if exact_value.strip().lower() == option.code.lower():
                return option.code
        text = exact_value + "\n" + text
    by_language = {option_language(o.names, o.code): o.code for o in product.options}
    for _, language in languages_in(text):
        if language in by_language and language is not None:
            return by_language[language]
    text_stems = _stems(text)
    best, best_score = None, 0
    for option in product.options:
        score = len(_fuzzy_stems(text_stems, set().union(*map(_stems, option.names.values())) if option.names else set()))
        if score > best_score:
            best, best_score = option.code, score
    if best or not use_default:
        return best
    return next((o.code for o in product.options if o.default), None)
