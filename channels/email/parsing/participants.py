"""Participants per ticket category: "2 dospělí, 1 dítě (8 let)", "zwei Erwachsene und ein Kind",
"2 adulți și un copil de 6 ani", "3 дорослих + 1 студент", "成人4位，儿童1位（6岁）", "2 x Adult",
"pro 2 osoby (oba dospělí)", "15人…全部是成人", "27 Schüler (12–13 Jahre) und 3 Lehrkräfte".

Category words are matched by stem in each language and mapped to the
product's units by type; written ages decide the category by the product's age
bounds (a 2-year-old is INFANT where an infant category exists, else CHILD).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .catalogue_index import ProductInfo

# unit type -> word stems (lower case; a token matches when it starts with a stem)
CATEGORY_STEMS = {
    "ADULT": ["adult", "adulț", "adulţ", "adulti", "dospěl", "dospel", "dosp", "erwachsen", "erw", "доросл", "взросл", "dorosł", "dorosl",
              "grown-up", "adulte", "adulto"],
    "CHILD": ["child", "kid", "dítě", "dite", "děti", "deti", "dětí", "dětmi", "dítěte", "kind", "copil", "copii",
              "дитин", "діт", "дет", "ребен", "dzieck", "dzieci", "enfant", "niño", "nino", "bambin"],
    "INFANT": ["infant", "baby", "babies", "toddler", "batol", "miminko", "miminka", "kojen", "kleinkind", "säugling",
               "bebeluș", "bebelus", "bebeluş", "sugar", "немовл", "малюк", "niemowl"],
    "STUDENT": ["student", "студент", "studenț", "studenti", "studenţ"],
    "SENIOR": ["senior", "rentner", "pensionist", "pensionar", "důchod", "пенсіонер", "emeryt"],
    "YOUTH": ["youth", "teen", "mládež", "jugendlich", "tânăr", "tineri", "підліт"],
    "PUPIL": ["pupil", "schoolchild", "schüler", "žák", "žáci", "žáků", "elev", "учн", "школяр"],
    "TEACHER": ["teacher", "lehrer", "lehrkr", "begleitpers", "učitel", "profesor", "вчител", "учител"],
    "PERSON": ["person", "people", "pax", "guest", "osob", "persoan", "persoane", "осіб", "особ", "люд", "чоловік",
               "traveler", "traveller", "participant", "teilnehmer", "účastník", "participanț", "учасник", "pers",
               "lidí", "lidi"],
}
_EXCLUDE = {"kinderwagen", "personal", "personnel", "persönlich", "guesthouse", "studentský", "studentskij",
            "kindly", "erwähnt", "osobně", "osobní", "adultă"}
ZH_CATEGORIES = {"成人": "ADULT", "大人": "ADULT", "儿童": "CHILD", "孩子": "CHILD", "小孩": "CHILD", "童": "CHILD",
                 "婴儿": "INFANT", "幼儿": "INFANT", "学生": "STUDENT", "老人": "SENIOR", "长者": "SENIOR",
                 "老师": "TEACHER", "人": "PERSON"}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "couple": 2, "both": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "jeden": 1, "jedna": 1, "jedno": 1, "jednoho": 1, "jednu": 1, "dva": 2, "dvě": 2, "dvou": 2, "oba": 2, "obě": 2,
    "obou": 2, "tři": 3, "tří": 3, "čtyři": 4, "čtyř": 4, "pět": 5, "šest": 6, "sedm": 7, "osm": 8, "devět": 9,
    "deset": 10, "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "eines": 1, "zwei": 2, "beide": 2,
    "beiden": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwölf": 12, "un": 1, "o": 1, "una": 1, "unu": 1, "doi": 2, "două": 2, "doua": 2, "ambii": 2,
    "amândoi": 2, "amandoi": 2, "trei": 3, "patru": 4, "cinci": 5, "șase": 6, "sase": 6, "şase": 6, "șapte": 7,
    "sapte": 7, "opt": 8, "nouă": 9, "noua": 9, "zece": 10, "один": 1, "одна": 1, "одне": 1, "одного": 1,
    "одну": 1, "два": 2, "дві": 2, "двоє": 2, "двох": 2, "обидва": 2, "обоє": 2, "три": 3, "троє": 3, "трьох": 3,
    "чотири": 4, "четверо": 4, "п'ять": 5, "п’ять": 5, "п'ятеро": 5, "шість": 6, "шестеро": 6, "сім": 7,
    "вісім": 8, "дев'ять": 9, "десять": 10,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "twenty": 20, "thirty": 30,
    "jedenáct": 11, "dvanáct": 12, "třináct": 13, "čtrnáct": 14, "patnáct": 15, "dvacet": 20, "třicet": 30,
    "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30,
    "unsprezece": 11, "doisprezece": 12, "douăsprezece": 12, "cincisprezece": 15, "douăzeci": 20, "treizeci": 30,
    "одинадцять": 11, "дванадцять": 12, "п'ятнадцять": 15, "двадцять": 20, "тридцять": 30,
}
_ZH_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_FILLER = {"x", "×", "de", "of", "more", "additional", "weitere", "další", "mai", "ще", "pers", "extra", "them",
           "whom", "which", "davon", "toho", "din", "care", "них"}
_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:['’][^\W\d_]+)?|[×]", re.UNICODE)
_AGE_UNIT = r"(?:let[aý]?|roky|roků|rok|years?|yrs?|y\.?\s?o\.?|jahre?n?|j\.|ani|an|anul|років|роки|рік|року|лет|года|岁|歲|周岁)"
_AGES = re.compile(
    rf"(?:\b(?:ages?|aged|alter|im alter von|věk[u]?|ve věku|vârst[aă]|віком|вік)\s*:?\s*)?"
    rf"(?P<ages>\d{{1,2}}(?:\s*(?:[-–,/&+]|and|und|a|și|si|şi|і|та|й|и|или|or|oder|nebo|和|、)\s*\d{{1,2}})*)"
    rf"\s*(?P<unit>{_AGE_UNIT})?(?![^\W\d_])",
    re.IGNORECASE,
)
_AGE_PREFIX = re.compile(r"\b(?:ages?|aged|alter|věk|vârst|віком)\b", re.IGNORECASE)
_INSTEAD_WORDS = (r"(?:instead of|rather than|statt|anstatt|anstelle von|místo|namísto|în loc de|in loc de|замість|"
                  r"而不是|原来是|原为)")
_INSTEAD = re.compile(
    # "(instead of 2 adults and 2 children)" whole; unbracketed, only the superseded value: a time, a date,
    # or a count with its words up to the next punctuation
    rf"[\(\[]\s*{_INSTEAD_WORDS}[^)\]\n]*[\)\]]|{_INSTEAD_WORDS}\s*(?:\d{{1,2}}[:.]\d{{2}}(?:\s*(?:uhr|h))?|"
    rf"\d{{1,2}}\.\s?\d{{1,2}}\.(?:\s?\d{{2,4}})?|\d+[^,;.:)\n\d]{{0,40}}|[^\W\d]+\s+[^,;.:)\n\d]{{0,30}})",
    re.IGNORECASE,
)
_COUPLE = re.compile(
    r"\b(?:an?|one|the|ein|einem|pro|un|o)?\s*(?:couple|married couple|ehepaar|paar|manželský pár|pár|cuplu|"
    r"подружжя|пара)\b(?!\s+(?:of|von|de|з)\b)|\b(?:mr\.? (?:and|&) mrs\.?|herr und frau|pan a paní|manželé|"
    r"domnul și doamna|domnul si doamna|пан і пані)\s|夫妇|夫妻|两口子",
    re.IGNORECASE,
)
_OF_US = re.compile(r"\b(?:the\s+|all\s+)?(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+of\s+us\b", re.I)


@lru_cache(maxsize=8192)
def category_of_word(word: str) -> str | None:
    word = word.lower()
    if word in _EXCLUDE:
        return None
    for category, stems in CATEGORY_STEMS.items():
        for stem in stems:
            if word.startswith(stem) and (len(stem) >= 4 or len(word) <= len(stem) + 4):
                return category
    return None


def _number(token: str) -> int | None:
    if token.isdigit():
        value = int(token)
        return value if 0 < value < 1000 else None
    return NUMBER_WORDS.get(token.lower())


def remove_superseded(text: str) -> str:
    """Drop "(instead of 2 adults)" clauses, so only the new mix is read."""
    return _INSTEAD.sub(" ", text)


def _ages_after(text: str, start: int, stop: int) -> list[int]:
    window = text[start:stop]
    for match in _AGES.finditer(window):
        before = window[max(0, match.start() - 12): match.start()]
        if not match.group("unit") and not _AGE_PREFIX.search(before + match.group(0)[:8]):
            continue
        return [int(a) for a in re.findall(r"\d{1,2}", match.group("ages"))]
    return []


def find_counts(text: str, unit_labels: dict[str, str] | None = None) -> list[tuple[str, int | None, list[int], int]]:
    """(category or mapped unit code, count or None, ages, position) in order of appearance."""
    labels = {k.lower().rstrip("s"): v for k, v in (unit_labels or {}).items()}
    found = []
    for label in sorted(unit_labels or {}, key=len, reverse=True):
        # a partner's own labels first, whole ("2 x Grown-up", "1 Senior 65+"), then blanked out
        pattern = re.compile(rf"(?<![\w])(\d{{1,4}})\s*[x×]?\s*{re.escape(label)}(?:s|es)?(?![\w-])", re.IGNORECASE)
        for match in pattern.finditer(text):
            found.append((unit_labels[label], int(match.group(1)), [], match.start(), -9))
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    is_noun = [not t[0].isdigit() and (t[0].lower() in labels or category_of_word(t[0]) is not None) for t in tokens]
    next_noun_start = [len(text)] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        next_noun_start[i] = tokens[i][1] if is_noun[i] else next_noun_start[i + 1]
    for index, (word, start, end) in enumerate(tokens):
        if not is_noun[index]:
            continue
        if word.isdigit():
            continue
        lowered = word.lower()
        category = labels.get(lowered.rstrip("s")) or labels.get(lowered)
        mapped = category is not None
        category = category or category_of_word(word)
        if category is None:
            continue
        count = None
        j = index - 1
        skipped = 0
        while j >= 0 and skipped <= 2:
            previous = tokens[j][0]
            if _number(previous) is not None and (previous.isdigit() or previous.lower() in NUMBER_WORDS):
                if text[tokens[j][2]: start].count("\n") == 0:
                    count = _number(previous)
                break
            if previous.lower() in _FILLER:
                skipped += 1
                j -= 1
                continue
            break
        if count is None:
            after = re.match(r"\s*[:=]\s*(\d{1,3})\b", text[end:end + 8])
            count = int(after.group(1)) if after else None
        if count is None and found and found[-1][0] == category and found[-1][1] and index - found[-1][4] <= 3:
            continue  # "27 Schülerinnen und Schüler": one group named twice
        line_end = text.find("\n", end)
        stop = min(next_noun_start[index + 1], end + 60, line_end if line_end >= 0 else len(text))
        ages = [] if mapped or category in ("ADULT", "STUDENT", "TEACHER", "SENIOR") else _ages_after(text, end, stop)
        if count is None and ages and category in ("CHILD", "INFANT", "PUPIL", "YOUTH"):
            count = len(ages)  # "a child of 5", "дитина 5 років": one age, one person
        found.append((category, count, ages, start, index))
    for match in re.finditer(r"(?P<num>\d+|[一二两三四五六七八九十]+)?\s*(?:位|名|个)?\s*(?P<cat>成人|大人|儿童|孩子|小孩|婴儿|幼儿|学生|老人|长者|老师|人)"
                             r"(?:\s*(?P<num2>\d+|[一二两三四五六七八九十]+)(?!\s*(?:岁|歲|周岁))\s*(?:位|名|个|人)?)?", text):
        number = match.group("num") or match.group("num2")
        if match.group("cat") == "人" and not match.group("num"):
            continue
        count = int(number) if number and number.isdigit() else _ZH_NUM.get(number or "", None)
        ages_match = re.match(r"\s*[（(]\s*([\d、,，和及\s]+)\s*(?:岁|歲|周岁)", text[match.end():match.end() + 20])
        ages = [int(a) for a in re.findall(r"\d+", ages_match.group(1))] if ages_match else []
        found.append((ZH_CATEGORIES[match.group("cat")], count, ages, match.start(), -9))
    for match in re.finditer(r"(\d+)\s*大\s*(\d+)\s*小", text):  # "2大1小": adults and children, shorthand
        found.append(("ADULT", int(match.group(1)), [], match.start(), -9))
        found.append(("CHILD", int(match.group(2)), [], match.start() + 1, -9))
    for match in _OF_US.finditer(text):
        found.append(("PERSON", _number(match.group("n")), [], match.start(), -9))
    for match in _COUPLE.finditer(text):
        found.append(("PERSON", 2, [], match.start(), -9))
    found.sort(key=lambda f: f[3])
    return [f[:4] for f in found]


def unit_for_age(product: ProductInfo | None, age: int, fallback: str) -> str:
    if product is None:
        return fallback
    candidates = [u for u in product.units if u.type not in ("STUDENT",) and u.min_age <= age
                  and (u.max_age is None or age <= u.max_age)]
    if not candidates:
        return fallback
    candidates.sort(key=lambda u: (u.max_age if u.max_age is not None else 200) - u.min_age)
    return candidates[0].code


def unit_for_type(product: ProductInfo | None, unit_type: str) -> str:
    if product is None or not product.units:
        return unit_type
    by_type = {u.type: u.code for u in product.units}
    codes = {u.code for u in product.units}
    if unit_type in codes:
        return unit_type
    if unit_type in by_type:
        return by_type[unit_type]
    if unit_type == "INFANT":
        return unit_for_age(product, 1, by_type.get("CHILD", unit_type))
    if unit_type in ("CHILD", "YOUTH"):
        return by_type.get("CHILD") or by_type.get("YOUTH") or unit_type
    return by_type.get("ADULT", unit_type)  # STUDENT, SENIOR, TEACHER, PERSON where the product has none


def participants_from_text(text: str, product: ProductInfo | None, unit_labels: dict[str, str] | None = None
                           ) -> dict[str, int]:
    result: Counter = Counter()
    totals: list[int] = []
    uncounted: list[str] = []
    codes = {u.code for u in product.units} if product else set()
    for category, count, ages, _ in find_counts(text, unit_labels):
        if category in codes and category not in CATEGORY_STEMS:
            if count:
                result[category] += count
            continue
        if category == "PERSON":
            if count:
                totals.append(count)
            continue
        unit_type = {"PUPIL": "CHILD", "TEACHER": "ADULT"}.get(category, category)
        if count is None:
            uncounted.append(unit_type)
            continue
        if ages:
            per_age = [unit_for_age(product, a, unit_for_type(product, unit_type)) for a in ages]
            if len(ages) == count:
                for code in per_age:
                    result[code] += 1
            else:
                result[per_age[0]] += count
        else:
            result[unit_for_type(product, unit_type)] += count
    total = max(totals) if totals else None
    if total and sum(result.values()) < total:
        remainder = total - sum(result.values())
        target = uncounted[0] if uncounted else "ADULT"
        result[unit_for_type(product, target)] += remainder
    elif not result and uncounted and total:
        result[unit_for_type(product, uncounted[0])] += total
    return {code: n for code, n in result.items() if n > 0}
