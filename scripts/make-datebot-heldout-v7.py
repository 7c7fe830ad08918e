#!/usr/bin/env python3
"""Handwritten held-out set for datebot v7.

Every expected value is computed here with datetime, following
etc/data/datebot_v7_conventions.md. Each turn is (user text, kind tags, rule);
rule(c) gets c.t (today) and c.p (the previous turn's answered date, for follow-ups)
and returns the expectation. Writes etc/data/datebot_handwritten_v7.jsonl.
Written by someone who had not read the data generator (datagen/); keep it held out: read
only the totals `tunedeck eval toolcalls` prints while training.

Kind tags (for the summary only, not written to the JSONL):
  WK  weekday of a date          OFF offset (days/weeks/months/years)
  REL relative word              NY  date without a year
  HOL fixed-date holiday by name CNT day count
  NT  no-tool turn               FU  follow-up building on the previous answer
"""
import calendar
import datetime as dt
import json
import os
import sys
from collections import Counter

D = dt.date.fromisoformat
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# ---- calendar rules (conventions) ----
def add(d, n):
    return d + dt.timedelta(days=n)


def months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def years(d, n):
    return months(d, 12 * n)


def nxt(t, wd):  # "next <weekday>" / 돌아오는: strictly after today
    return add(t, (wd - t.weekday() - 1) % 7 + 1)


def this_(t, wd):  # English "this <weekday>": on or after today
    return add(t, (wd - t.weekday()) % 7)


def monday(t):
    return add(t, -t.weekday())


def tweek(t, wd):  # 이번 주 <요일>
    return add(monday(t), wd)


def nweek(t, wd):  # 다음 주 <요일> / next week's <weekday>
    return add(monday(t), 7 + wd)


def lweek(t, wd):  # 지난주 <요일> / last week's <weekday>
    return add(monday(t), -7 + wd)


def last(t, wd):  # last <weekday> / 지난 <요일>: strictly before today
    return add(t, -((t.weekday() - wd - 1) % 7 + 1))


def ny(t, m, d):  # date without a year: next occurrence on or after today
    x = dt.date(t.year, m, d)
    return x if x >= t else dt.date(t.year + 1, m, d)


HOL = {"newyear": (1, 1), "valentine": (2, 14), "samil": (3, 1), "children": (5, 5),
       "memorial": (6, 6), "liberation": (8, 15), "foundation": (10, 3), "hangul": (10, 9),
       "halloween": (10, 31), "xmas": (12, 25), "xmaseve": (12, 24), "nye": (12, 31)}


def hol(t, name, year=None):
    m, d = HOL[name]
    return dt.date(year, m, d) if year else ny(t, m, d)


# ---- expectations ----
class E:
    def __init__(self, expect, anchor=None):
        self.expect, self.anchor = expect, anchor


def DATE(d):
    return E({"date": d.isoformat()}, d)


def WD(d):  # question states the date: weekday only
    return E({"weekday": NAMES[d.weekday()]}, d)


def DW(d):  # question does not state the date: date and weekday
    return E({"date": d.isoformat(), "weekday": NAMES[d.weekday()]}, d)


def DAYS(a, b, anchor=None):  # count from a to b (b - a), must be >= 0
    n = (b - a).days
    assert n >= 0, (a, b)
    return E({"days": n}, anchor)


def NT(c):
    return E({"no_tool": True}, None)


class Ctx:
    def __init__(self, today):
        self.t, self.p = today, None


CONVS = []


def conv(today, lang, turns):
    CONVS.append((today, lang, turns))


# ====================================================================== conversations
conv("2025-07-09", "ko", [
    ("안녕! 넌 누구야?", "NT", NT),
    ("다음 주 금요일이 며칠이야?", "REL", lambda c: DATE(nweek(c.t, FRI))),
    ("거기서 2주 뒤는?", "OFF FU", lambda c: DATE(add(c.p, 14))),
    ("고마워~", "NT", NT),
])
conv("2024-02-29", "en", [
    ("what day of the week will it be exactly one year from today?", "OFF WK", lambda c: DW(years(c.t, 1))),
    ("ok and 4 years from today, what date is that", "OFF", lambda c: DATE(years(c.t, 4))),
    ("thx", "NT", NT),
])
conv("2026-12-07", "ko", [
    ("크리스마스까지 며칠 남았어?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "xmas"))),
])
conv("2028-02-28", "ko", [
    ("내일 며칠이야?", "REL", lambda c: DATE(add(c.t, 1))),
    ("그럼 모레는?", "REL", lambda c: DATE(add(c.t, 2))),
    ("2028년 3월 1일은 무슨 요일이야?", "WK", lambda c: WD(D("2028-03-01"))),
    ("삼일절부터 광복절까지 며칠이야?", "HOL CNT", lambda c: DAYS(hol(c.t, "samil"), hol(c.t, "liberation"))),
])
conv("2029-10-15", "en", [
    ("whats the date next friday", "REL", lambda c: DATE(nxt(c.t, FRI))),
])
conv("2025-11-20", "en", [
    ("Hi there! What can you do?", "NT", NT),
    ("We're flying out on the 3rd of next month and coming back 17 days later. What date do we come back?",
     "OFF", lambda c: DATE(add(D("2025-12-03"), 17))),
    ("what day of the week is that", "WK FU", lambda c: WD(c.p)),
    ("And how many days from today until we fly out?", "CNT", lambda c: DAYS(c.t, D("2025-12-03"))),
    ("perfect, thank you so much", "NT", NT),
])
conv("2026-05-02", "ko", [
    ("어린이날 무슨 요일이야?", "HOL WK", lambda c: DW(hol(c.t, "children"))),
    ("현충일은?", "HOL WK", lambda c: DW(hol(c.t, "memorial"))),
    ("현충일까지 몇일 남았어?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "memorial"))),
])
conv("2027-08-31", "en", [
    ("what's the date 6 months after today", "OFF", lambda c: DATE(months(c.t, 6))),
    ("what day of the week is that?", "WK FU", lambda c: WD(c.p)),
    ("and one year after that?", "OFF FU", lambda c: DATE(years(c.p, 1))),
])
conv("2024-12-31", "ko", [
    ("신정까지 며칠 남았어요?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "newyear"))),
    ("새해 첫날은 무슨 요일이에요?", "HOL WK", lambda c: DW(hol(c.t, "newyear"))),
    ("감사합니다!", "NT", NT),
])
conv("2026-09-18", "ko", [
    ("한글날 무슨 요일?", "HOL WK", lambda c: DW(hol(c.t, "hangul"))),
])
conv("2025-03-03", "en", [
    ("what day of the week is march 15", "NY WK", lambda c: WD(ny(c.t, 3, 15))),
])
conv("2029-01-15", "ko", [
    ("3월 15일은 무슨 요일이야?", "NY WK", lambda c: WD(ny(c.t, 3, 15))),
])
conv("2027-06-22", "en", [
    ("wats tmrw's date?", "REL", lambda c: DATE(add(c.t, 1))),
    ("and what day of the week", "WK FU", lambda c: WD(c.p)),
])
conv("2030-11-08", "en", [
    ("hey", "NT", NT),
    ("what's the date next wendsday", "REL", lambda c: DATE(nxt(c.t, WED))),
    ("and the wendsday after that?", "OFF FU", lambda c: DATE(add(c.p, 7))),
    ("thanks bot", "NT", NT),
])
conv("2028-07-19", "ko", [
    ("글피가 며칠이지?", "REL", lambda c: DATE(add(c.t, 3))),
])
conv("2026-01-08", "ko", [
    ("그저께 며칠이었지?", "REL", lambda c: DATE(add(c.t, -2))),
    ("그럼 지난주 월요일은 몇 일이었어?", "REL", lambda c: DATE(lweek(c.t, MON))),
    ("거기서 10일 뒤는 무슨 요일이야?", "OFF FU WK", lambda c: DW(add(c.p, 10))),
    ("ㅇㅋ 고마워", "NT", NT),
])
conv("2027-04-03", "en", [
    ("3 weeks from tomorrow — what's the date?", "REL OFF", lambda c: DATE(add(add(c.t, 1), 21))),
])
conv("2029-12-20", "mix", [
    ("next Friday 며칠이야?", "REL", lambda c: DATE(nxt(c.t, FRI))),
])
conv("2026-06-19", "en", [
    ("this sat whats the date", "REL", lambda c: DATE(this_(c.t, SAT))),
    ("and next week friday?", "REL", lambda c: DATE(nweek(c.t, FRI))),
    ("what about last week's monday", "REL", lambda c: DATE(lweek(c.t, MON))),
])
conv("2028-09-05", "ko", [
    ("이번 주 토요일 며칠이야?", "REL", lambda c: DATE(tweek(c.t, SAT))),
    ("돌아오는 월요일은?", "REL", lambda c: DATE(nxt(c.t, MON))),
    ("지난 금요일은 며칠이었어?", "REL", lambda c: DATE(last(c.t, FRI))),
    ("그날부터 오늘까지 며칠 지났어?", "CNT FU", lambda c: DAYS(c.p, c.t)),
])
conv("2024-05-20", "en", [
    ("who are you exactly?", "NT", NT),
    ("what's the weather going to be like tomorrow?", "NT", NT),
    ("ok, what's tomorrow's date then", "REL", lambda c: DATE(add(c.t, 1))),
    ("and what day of the week is it?", "WK FU", lambda c: WD(c.p)),
])
conv("2030-02-14", "ko", [
    ("오늘 밸런타인데이네ㅎㅎ 오늘 무슨 요일이야?", "WK", lambda c: DW(c.t)),
    ("화이트데이는 3월 14일이잖아. 그날은 무슨 요일이야?", "NY WK", lambda c: WD(ny(c.t, 3, 14))),
    ("오늘부터 그날까지 며칠 남았어?", "CNT FU", lambda c: DAYS(c.t, c.p)),
])
conv("2026-10-02", "en", [
    ("Hi! quick question", "NT", NT),
    ("what day of the week is national foundation day this year?", "HOL WK",
     lambda c: DW(hol(c.t, "foundation", 2026))),
    ("and hangul day?", "HOL WK", lambda c: DW(hol(c.t, "hangul"))),
    ("how many days between those two?", "CNT", lambda c: DAYS(hol(c.t, "foundation"), hol(c.t, "hangul"))),
    ("thanks!!", "NT", NT),
])
conv("2027-11-11", "mix", [
    ("크리스마스 is what day of the week this year?", "HOL WK", lambda c: DW(hol(c.t, "xmas", 2027))),
])
conv("2029-03-31", "en", [
    ("what date is one month from today?", "OFF", lambda c: DATE(months(c.t, 1))),
    ("and 3 months from today?", "OFF", lambda c: DATE(months(c.t, 3))),
    ("how many days from today to that date?", "CNT FU", lambda c: DAYS(c.t, c.p)),
])
conv("2025-01-27", "ko", [
    ("오늘로부터 100일 후는 몇 월 며칠이야?", "OFF", lambda c: DATE(add(c.t, 100))),
])
conv("2030-01-20", "ko", [
    ("2027년 5월 10일로부터 90일 뒤는?", "OFF", lambda c: DATE(add(D("2027-05-10"), 90))),
    ("오늘은 무슨 요일이야?", "WK", lambda c: DW(c.t)),
    ("오늘로부터 90일 뒤는?", "OFF", lambda c: DATE(add(c.t, 90))),
])
conv("2026-03-02", "en", [
    ("How many days between March 3, 2026 and July 19, 2026?", "CNT",
     lambda c: DAYS(D("2026-03-03"), D("2026-07-19"))),
])
conv("2029-06-30", "ko", [
    ("2025년 1월 1일부터 오늘까지 며칠 지났어?", "CNT", lambda c: DAYS(D("2025-01-01"), c.t)),
])
conv("2024-09-09", "en", [
    ("write me a short poem about autumn", "NT", NT),
    ("haha ok. what can you help with then?", "NT", NT),
    ("fine — when's halloween, what day of the week?", "HOL WK", lambda c: DW(hol(c.t, "halloween"))),
    ("and how many days till then", "HOL CNT FU", lambda c: DAYS(c.t, c.p, c.p)),
])
conv("2030-08-01", "ko", [
    ("오늘 며칠이야?", "REL", lambda c: DATE(c.t)),
    ("오늘부터 50일 후는?", "OFF", lambda c: DATE(add(c.t, 50))),
    ("그날 무슨 요일?", "WK FU", lambda c: WD(c.p)),
    ("근데 오늘 서울 날씨 어때?", "NT", NT),
    ("ㅇㅋ 그럼 핼러윈까지 며칠남았어", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "halloween"))),
])
conv("2027-02-14", "ko", [
    ("발렌타인데이 무슨 요일이야?", "HOL WK", lambda c: DW(hol(c.t, "valentine"))),
    ("그럼 4월 1일까지는 몇일 남았어?", "NY CNT", lambda c: DAYS(c.t, ny(c.t, 4, 1))),
])
conv("2028-02-15", "en", [
    ("ugh I completely forgot valentine's day yesterday. how many days until the next one?", "HOL CNT",
     lambda c: DAYS(c.t, hol(c.t, "valentine"))),
])
conv("2026-11-30", "ko", [
    ("다음 달 3일이 무슨 요일이에요?", "WK", lambda c: DW(D("2026-12-03"))),
    ("그날부터 3개월 뒤는요?", "OFF FU", lambda c: DATE(months(c.p, 3))),
    ("감사해요", "NT", NT),
])
conv("2025-05-31", "en", [
    ("Our project kicked off today, May 31. The deadline is 3 months after kickoff. What's the deadline date?",
     "OFF", lambda c: DATE(months(c.t, 3))),
    ("and the halfway check-in is 6 weeks after kickoff. date?", "OFF", lambda c: DATE(add(c.t, 42))),
    ("what weekday does the deadline fall on?", "WK", lambda c: WD(months(c.t, 3))),
])
conv("2030-09-27", "en", [
    ("what was the date last tuesday?", "REL", lambda c: DATE(last(c.t, TUE))),
    ("and how many days until nov 20?", "NY CNT", lambda c: DAYS(c.t, ny(c.t, 11, 20))),
])
conv("2026-04-01", "mix", [
    ("tomorrow 무슨 요일이야?", "REL WK", lambda c: DW(add(c.t, 1))),
    ("그럼 next week's Monday는 며칠?", "REL", lambda c: DATE(nweek(c.t, MON))),
    ("ㄳ", "NT", NT),
])
conv("2028-12-01", "ko", [
    ("하이", "NT", NT),
    ("크리스마스 이브가 무슨 요일이야?", "HOL WK", lambda c: DW(hol(c.t, "xmaseve"))),
    ("그 다음날은?", "OFF FU", lambda c: DATE(add(c.p, 1))),
    ("연말 마지막 날까지 며칠 남았어?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "nye"))),
    ("좋아 땡큐", "NT", NT),
])
conv("2024-03-29", "en", [
    ("I'm planning a trip. If I leave on April 12 and stay 9 nights, what date do I check out?", "NY OFF",
     lambda c: DATE(add(ny(c.t, 4, 12), 9))),
    ("what day of the week is the check out", "WK FU", lambda c: WD(c.p)),
    ("and how many days from today until I leave?", "CNT", lambda c: DAYS(c.t, ny(c.t, 4, 12))),
    ("awesome thx", "NT", NT),
])
conv("2026-08-16", "ko", [
    ("어제 광복절이었는데, 어제 무슨 요일이었어?", "REL WK", lambda c: DW(add(c.t, -1))),
])
conv("2027-12-26", "en", [
    ("hello!", "NT", NT),
    ("How many days between Christmas Day 2027 and New Year's Day 2028?", "HOL CNT",
     lambda c: DAYS(hol(c.t, "xmas", 2027), hol(c.t, "newyear", 2028))),
    ("what weekday is new years day 2028", "HOL WK", lambda c: DW(hol(c.t, "newyear", 2028))),
    ("and 100 days after that?", "OFF FU", lambda c: DATE(add(c.p, 100))),
    ("thanks, you're a lifesaver", "NT", NT),
])
conv("2028-10-20", "ko", [
    ("안녕하세요~ 뭐 하는 봇이에요?", "NT", NT),
    ("그럼 11월 11일은 무슨 요일이에요?", "NY WK", lambda c: WD(ny(c.t, 11, 11))),
    ("그날로부터 40일 뒤는요?", "OFF FU", lambda c: DATE(add(c.p, 40))),
    ("오늘부터 그날까지는 며칠이에요?", "CNT FU", lambda c: DAYS(c.t, c.p)),
    ("감사합니다 :)", "NT", NT),
])
conv("2025-02-28", "en", [
    ("What date is 1 year after Feb 29, 2024?", "OFF", lambda c: DATE(years(D("2024-02-29"), 1))),
])
conv("2029-05-05", "mix", [
    ("어린이날이네! what day of the week is it today?", "WK", lambda c: DW(c.t)),
])
conv("2024-11-15", "ko", [
    ("나 다음 달 20일에 이사 가는데 그날 무슨 요일이야?", "WK", lambda c: DW(D("2024-12-20"))),
    ("이사 가고 2주 뒤에 집들이 하려고. 그날은 며칠이야?", "OFF FU", lambda c: DATE(add(c.p, 14))),
    ("그날 무슨 요일이야?", "WK FU", lambda c: WD(c.p)),
    ("오늘부터 이사까지 며칠 남았어?", "CNT", lambda c: DAYS(c.t, D("2024-12-20"))),
    ("고마워 잘 자", "NT", NT),
])
conv("2027-07-12", "en", [
    ("what day of the week was July 4, 1976?", "WK", lambda c: WD(D("1976-07-04"))),
])
conv("2030-12-15", "ko", [
    ("성탄절까지 며칠남았어", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "xmas"))),
])
conv("2026-02-28", "en", [
    ("what's the date 3 days from now", "OFF", lambda c: DATE(add(c.t, 3))),
    ("2026 isn't a leap year right? what day of the week is march 1 2026", "WK", lambda c: WD(D("2026-03-01"))),
    ("how many days until samiljeol... I mean the March 1st Movement Day", "HOL CNT",
     lambda c: DAYS(c.t, hol(c.t, "samil"))),
])
conv("2025-06-10", "ko", [
    ("모레 무슨 요일이야?", "REL WK", lambda c: DW(add(c.t, 2))),
    ("글피는?", "REL WK", lambda c: DW(add(c.t, 3))),
    ("8월 2일은 무슨 요일이야?", "NY WK", lambda c: WD(ny(c.t, 8, 2))),
])
conv("2029-09-03", "ko", [
    ("돌아오는 금요일이 며칠이야?", "REL", lambda c: DATE(nxt(c.t, FRI))),
    ("그날부터 3주 뒤는?", "OFF FU", lambda c: DATE(add(c.p, 21))),
    ("개천절은 무슨 요일이야?", "HOL WK", lambda c: DW(hol(c.t, "foundation"))),
    ("오늘부터 개천절까지는 며칠?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "foundation"))),
])
conv("2024-07-31", "en", [
    ("what is 7 months after July 31, 2024?", "OFF", lambda c: DATE(months(D("2024-07-31"), 7))),
])
conv("2026-10-26", "en", [
    ("good morning!", "NT", NT),
    ("how many days till halloweeen", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "halloween"), hol(c.t, "halloween"))),
    ("what day of the week is it on", "WK FU", lambda c: WD(c.p)),
    ("can you recommend a costume?", "NT", NT),
])
conv("2027-03-20", "ko", [
    ("다음 주 목요일 며칠이에요?", "REL", lambda c: DATE(nweek(c.t, THU))),
])
conv("2025-01-01", "en", [
    ("happy new year!! 🎉", "NT", NT),
    ("how many days are there from today until valentine's day?", "HOL CNT",
     lambda c: DAYS(c.t, hol(c.t, "valentine"))),
    ("and from valentine's day to halloween?", "HOL CNT",
     lambda c: DAYS(hol(c.t, "valentine"), hol(c.t, "halloween"))),
])
conv("2029-08-08", "mix", [
    ("광복절 is on what weekday this year?", "HOL WK", lambda c: DW(hol(c.t, "liberation", 2029))),
    ("and 100 days after 광복절?", "OFF FU", lambda c: DATE(add(c.p, 100))),
])
conv("2025-12-15", "ko", [
    ("1월 31일에서 한 달 뒤는 며칠이야?", "NY OFF", lambda c: DATE(months(ny(c.t, 1, 31), 1))),
    ("거기서 또 한 달 뒤는?", "OFF FU", lambda c: DATE(months(c.p, 1))),
])
conv("2027-09-09", "en", [
    ("What's the date 30 days before March 1?", "NY OFF", lambda c: DATE(add(ny(c.t, 3, 1), -30))),
    ("what day of the week is it", "WK FU", lambda c: WD(c.p)),
])
conv("2026-03-18", "en", [
    ("how many days since christmas 2025?", "HOL CNT", lambda c: DAYS(hol(c.t, "xmas", 2025), c.t)),
])
conv("2028-04-12", "en", [
    ("hi datebot", "NT", NT),
    ("My sister's wedding is on June 17. I need to book the hotel 45 days before. What date is that?",
     "NY OFF", lambda c: DATE(add(ny(c.t, 6, 17), -45))),
    ("is that a weekday? what day of the week?", "WK FU", lambda c: WD(c.p)),
    ("and how many days from today until the wedding?", "NY CNT", lambda c: DAYS(c.t, ny(c.t, 6, 17))),
    ("what's a good wedding gift?", "NT", NT),
    ("lol ok thanks anyway", "NT", NT),
])
conv("2024-08-23", "ko", [
    ("요즘 너무 바빠서 날짜 감각이 없네요. 이번 주 금요일이 며칠이죠?", "REL", lambda c: DATE(tweek(c.t, FRI))),
    ("다음 주 월요일은요?", "REL", lambda c: DATE(nweek(c.t, MON))),
    ("그날부터 30일 뒤는 무슨 요일이에요?", "OFF FU WK", lambda c: DW(add(c.p, 30))),
    ("도움 됐어요 고마워요", "NT", NT),
])
conv("2029-11-28", "mix", [
    ("hi! 크리스마스까지 D-몇이야?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "xmas"))),
    ("what about 새해 첫날? how many days?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "newyear"), hol(c.t, "newyear"))),
    ("그날 무슨 요일이야?", "WK FU", lambda c: WD(c.p)),
])
conv("2030-07-21", "en", [
    ("Can you tell me a joke?", "NT", NT),
    ("ok ok. what's the date this friday?", "REL", lambda c: DATE(this_(c.t, FRI))),
    ("and what day of the week is september 9?", "NY WK", lambda c: WD(ny(c.t, 9, 9))),
])
conv("2024-01-10", "ko", [
    ("내가 2023년 11월 3일부터 헬스 다니기 시작했는데 오늘까지 며칠 됐어?", "CNT",
     lambda c: DAYS(D("2023-11-03"), c.t)),
    ("대박 ㅋㅋ 그럼 시작한 날 무슨 요일이었어?", "WK", lambda c: WD(D("2023-11-03"))),
    ("시작하고 200일째... 아니 시작한 날에서 200일 뒤는 며칠이야?", "OFF", lambda c: DATE(add(D("2023-11-03"), 200))),
    ("ㄱㅅㄱㅅ", "NT", NT),
])
conv("2027-05-27", "en", [
    ("what's thrusday's date next week", "REL", lambda c: DATE(nweek(c.t, THU))),
])
conv("2025-10-06", "ko", [
    ("한글날까지 몇 일 남았어?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "hangul"), hol(c.t, "hangul"))),
    ("그날 무슨 요일이야?", "WK FU", lambda c: WD(c.p)),
    ("거기서 일주일 뒤는?", "OFF FU", lambda c: DATE(add(c.p, 7))),
    ("오늘 기준으로 3주 전은 며칠이었어?", "OFF", lambda c: DATE(add(c.t, -21))),
])
conv("2026-12-31", "ko", [
    ("오늘이 올해 마지막 날이네. 내일은 무슨 요일이야?", "REL WK", lambda c: DW(add(c.t, 1))),
    ("밸런타인데이까지는 며칠 남았어?", "HOL CNT", lambda c: DAYS(c.t, hol(c.t, "valentine"))),
    ("시 한 편 써 줄 수 있어?", "NT", NT),
])


# ====================================================================== build
def build():
    out, kinds, lens = [], Counter(), Counter()
    for i, (today, lang, turns) in enumerate(CONVS, 1):
        c = Ctx(D(today))
        rows = []
        for text, tags, rule in turns:
            e = rule(c)
            rows.append({"user": text, "expect": e.expect})
            if e.anchor is not None:
                c.p = e.anchor
            for k in tags.split():
                kinds[k] += 1
        out.append({"id": f"h7-{i:03d}", "today": today, "language": lang, "turns": rows})
        lens[len(turns)] += 1
    return out, kinds, lens


if __name__ == "__main__":
    out, kinds, lens = build()
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "etc", "data", "datebot_handwritten_v7.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for conv_ in out:
            f.write(json.dumps(conv_, ensure_ascii=False) + "\n")
    nturns = sum(len(x["turns"]) for x in out)
    print(f"{path}: {len(out)} conversations, {nturns} turns")
    print("turns per conversation:", dict(sorted(lens.items())))
    print("4+ turn conversations:", sum(v for k, v in lens.items() if k >= 4))
    print("kinds:", dict(kinds))
    print("languages:", dict(Counter(x["language"] for x in out)))
    print("today years:", dict(sorted(Counter(x["today"][:4] for x in out).items())))
    print("today months:", dict(sorted(Counter(x["today"][5:7] for x in out).items())))
