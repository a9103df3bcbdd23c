"""Which language a short business mail is written in: script first, then common words.

Covers the partners' languages (cs, de, ro, uk, zh, en) and a few neighbours
(sk, pl, ru, fr, es, it) so those are not forced into the wrong one. Falls
back to the partner's language when the text gives no evidence.
"""

from __future__ import annotations

import re

_WORDS = {
    "cs": "a je se na v ve pro prosím dobrý den děkuji děkujeme osoby dospělí dítě jméno objednávka rezervaci "
    "plavba máte zda ještě volná místa hosté hosta pokoj datum čas s pozdravem u nás přeji oba už nebo jsou "
    "jsme bude budou také při tenhle mail prosíme naše naši našeho host přeposílám objednávku",
    "sk": "a je sa na v pre prosím dobrý deň ďakujem osoby dospelí dieťa meno objednávka",
    "pl": "i jest się na w dla proszę dzień dobry dziękuję osoby dorośli dziecko rezerwacja",
    "de": "und der die das ist für wir sie bitte mit den dem ein eine zu von am um uhr sehr geehrte damen "
    "herren grüße buchen buchung danke nicht auf noch hätten wir würden falls gerne vielen",
    "ro": "și si la de cu pe în in pentru vă va rugăm rugam bună buna ziua mulțumim multumim rezervare "
    "rezervarea data ora nume client noastră nostru sunt este copii adulți adulti un o ale",
    "en": "the and to for of on at is in please book booking we you our would like could thank thanks "
    "guests guest adults children hi hello dear regards number date time name reference with your this",
    "fr": "le la les et pour nous vous merci bonjour réservation adultes enfants avec",
    "es": "el la los las y para nosotros gracias hola reserva adultos niños con",
    "it": "il la gli e per noi grazie buongiorno prenotazione adulti bambini con",
}
_WORD_SETS = {lang: set(words.split()) for lang, words in _WORDS.items()}
_LETTERS = {
    "cs": "řěůťďňŘĚŮŤĎŇ",
    "sk": "ľĺŕôäĽĹŔÔ",
    "pl": "łąęśźżńŁĄĘŚŹŻŃ",
    "de": "äöüßÄÖÜ",
    "ro": "ăâîșțşţĂÂÎȘȚŞŢ",
}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, *, fallback: str | None = None) -> str | None:
    sample = text[:4000]
    cjk = len(re.findall(r"[\u4e00-\u9fff]", sample))
    kana = len(re.findall(r"[\u3040-\u30ff]", sample))
    cyrillic = len(re.findall(r"[\u0400-\u04ff]", sample))
    latin = len(re.findall(r"[A-Za-z\u00c0-\u024f]", sample))
    if kana > 5 and kana >= cjk / 4:
        return "ja"
    if cjk > 5 and cjk * 2 >= latin / 2:
        return "zh"
    if cyrillic > 10 and cyrillic >= latin:
        if re.search(r"[іїєґІЇЄҐ]", sample):
            return "uk"
        if re.search(r"[ыэъЫЭЪ]", sample):
            return "ru"
        return fallback if fallback in ("uk", "ru", "bg") else "uk"
    tokens = [t.lower() for t in _TOKEN.findall(sample)]
    if not tokens:
        return fallback
    scores = {lang: 0.0 for lang in _WORD_SETS}
    for token in tokens:
        for lang, words in _WORD_SETS.items():
            if token in words:
                scores[lang] += 1
    for lang, letters in _LETTERS.items():
        scores[lang] += 1.5 * sum(1 for ch in sample if ch in letters) ** 0.5 * 2
    if fallback in scores:
        scores[fallback] += 0.5
    best = max(scores, key=scores.get)
    return best if scores[best] >= 2 else fallback
