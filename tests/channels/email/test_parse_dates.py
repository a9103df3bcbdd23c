"""Dates and times as partners write them, none of them taken from the corpus."""

from datetime import date

import pytest

from channels.email.parsing.dates import find_dates, next_weekday
from channels.email.parsing.times import find_times

MAIL_DAY = date(2027, 3, 10)  # a Wednesday in March


def first_date(text, today=MAIL_DAY, **kwargs):
    found = find_dates(text, today, **kwargs)
    return found[0].value if found else None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Termín: pátek 19. 3.", date(2027, 3, 19)),
        ("na 2.4. prosím", date(2027, 4, 2)),
        ("am Freitag, den 9. April um 11 Uhr", date(2027, 4, 9)),
        ("vineri, 16 aprilie 2027", date(2027, 4, 16)),
        ("в неділю, 21 березня", date(2027, 3, 21)),
        ("日期：4月3日（星期六）", date(2027, 4, 3)),
        ("2027年5月1日", date(2027, 5, 1)),
        ("Sunday, March 28th, 2027", date(2027, 3, 28)),
        ("on the 2nd of May", date(2027, 5, 2)),
        ("Datum: 2027-06-30", date(2027, 6, 30)),
        ("Datum: 30.06.27", date(2027, 6, 30)),
        ("on 14/05/2027", date(2027, 5, 14)),
        ("leden 2028 — 12. ledna", date(2028, 1, 12)),
    ],
)
def test_a_written_date_is_read_in_each_language(text, expected):
    assert first_date(text) == expected


def test_a_date_without_year_that_has_passed_is_next_year():
    assert first_date("am 2. Februar", today=date(2027, 11, 20)) == date(2028, 2, 2)


def test_a_date_without_year_a_few_days_back_stays_in_this_year():
    assert first_date("booking from 8.3.", today=MAIL_DAY) == date(2027, 3, 8)


def test_an_ordinal_day_takes_the_month_of_the_date_before_it():
    found = find_dates("Friday 2nd April for lunch, and Saturday the 10th for the walk", MAIL_DAY)
    assert [d.value for d in found] == [date(2027, 4, 2), date(2027, 4, 10)]


def test_an_ordinal_day_alone_is_the_next_such_day_matching_its_weekday():
    assert first_date("Thursday the 1st", today=MAIL_DAY) == date(2027, 4, 1)


def test_tomorrow_is_the_day_after_the_mail():
    assert first_date("could you book tomorrow at 10?") == date(2027, 3, 11)
    assert first_date("übermorgen bitte") == date(2027, 3, 12)


def test_a_weekday_alone_is_its_next_occurrence():
    assert next_weekday("next Friday please", MAIL_DAY).value == date(2027, 3, 12)
    assert next_weekday("v pondělí", MAIL_DAY).value == date(2027, 3, 15)


def test_a_weekday_beside_a_date_is_noticed():
    assert find_dates("sobota 5. 6.", MAIL_DAY)[0].weekday_near
    assert not find_dates("do 5. 6.", MAIL_DAY)[0].weekday_near


def test_czech_for_is_not_december():
    assert find_dates("pro 3 osoby", MAIL_DAY) == []


def test_prices_and_room_numbers_are_not_dates():
    assert find_dates("Cena 1.250,00 Kč, pokoj 12", MAIL_DAY) == []


def times(text):
    return [t.value for t in find_times(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Čas: 9:15", ["09:15"]),
        ("um 18.45 Uhr", ["18:45"]),
        ("at 11am", ["11:00"]),
        ("at 7.15 pm", ["19:15"]),
        ("around 6 p.m.", ["18:00"]),
        ("half past three", ["15:30"]),
        ("quarter to eleven in the morning", ["10:45"]),
        ("at eight o'clock in the evening", ["20:00"]),
        ("um halb vier", ["15:30"]),
        ("ab 20 Uhr", ["20:00"]),
        ("la ora 18", ["18:00"]),
        ("o 19 годині", ["19:00"]),
        ("at midday", ["12:00"]),
        ("晚上7点", ["19:00"]),
        ("上午9点半", ["09:30"]),
        ("15点20分", ["15:20"]),
        ("下午3点或者5点", ["15:00", "17:00"]),
    ],
)
def test_a_time_is_normalised_to_hh_mm(text, expected):
    assert times(text) == expected


def test_amounts_ages_and_addresses_are_not_times():
    assert times("EUR 12.50, ages 5 and 10, Mostecká 21, Praha 1, room 214") == []


def test_a_late_december_date_written_in_early_january_is_the_one_just_past():
    assert first_date("re our booking of 30. 12.", today=date(2027, 1, 3)) == date(2026, 12, 30)
    assert first_date("am 5. Januar", today=date(2026, 12, 28)) == date(2027, 1, 5)


def test_day_dot_month_without_the_final_dot_after_a_date_word_or_weekday():
    assert first_date("am 12.4 um 14:30") == date(2027, 4, 12)
    assert first_date("Samstag 19.6 ab 17 Uhr") == date(2027, 6, 19)
    assert find_dates("it takes 2.5 hours, EUR 12.50", MAIL_DAY) == []
